package dev.fargatescaler.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the Lambda runtime does at a cold start, in a fresh JVM and nothing more: load the handler class by name,
 * run its no-arg constructor (the init phase), invoke it with one event. Uses only the JDK and lambda-core, so
 * that it warms nothing the function would otherwise pay for. Run by bench/cold-start.sh, which starts the JVM
 * with a clean environment, {@code -XX:TieredStopAtLevel=1} (Lambda's setting for Java runtimes) and
 * {@code -Dbench.t0=<epoch ns>} taken just before {@code exec java}.
 *
 * <p>Options (system properties): {@code bench.invocations} (default 1) runs more invocations after the first
 * and reports the median and p99 of the last half as "warm"; {@code bench.snapstart=true} calls
 * {@code org.crac.Core.checkpointRestore()} between init and the first invocation, which, with
 * {@code -Dorg.crac.Core.Compat=dev.fargatescaler.bench.crac}, runs the function's priming hooks as SnapStart
 * would. In the event file, {@code ${N}} becomes the invocation's number.
 *
 * <p>Prints one line of {@code key=value} pairs on stdout; times in milliseconds.
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        long mainAt = epochNanos();
        String handlerName = args[0];
        String template = Files.readString(Path.of(args[1]));
        int invocations = Integer.getInteger("bench.invocations", 1);
        boolean snapStart = Boolean.getBoolean("bench.snapstart");

        long start = System.nanoTime();
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(handlerName)
                .getDeclaredConstructor().newInstance();
        // -Dbench.typed=<function>: the runtime's serializers for the Lambda Java Events types, created at init as
        // the runtime creates them (see RuntimeSerializerProbe); loaded only in that mode.
        String typed = System.getProperty("bench.typed");
        RuntimeSerializerProbe probe = typed == null ? null : RuntimeSerializerProbe.forFunction(typed);
        long initNs = System.nanoTime() - start;

        long primeNs = 0;
        if (snapStart) {
            start = System.nanoTime();
            Class.forName("org.crac.Core").getMethod("checkpointRestore").invoke(null);
            primeNs = System.nanoTime() - start;
        }

        long[] times = new long[invocations];
        long[] serializerTimes = new long[invocations];
        String firstResponse = null;
        for (int i = 0; i < invocations; i++) {
            byte[] event = template.replace("${N}", Integer.toString(i + 1)).getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            start = System.nanoTime();
            if (probe != null) {
                probe.deserialize(event);
            }
            handler.handleRequest(new ByteArrayInputStream(event), out, new BenchContext("req-" + (i + 1), "bench"));
            if (probe != null) {
                probe.serialize(out.toString(StandardCharsets.UTF_8));
                serializerTimes[i] = probe.lastNanos;
            }
            times[i] = System.nanoTime() - start;
            if (i == 0) {
                firstResponse = out.toString(StandardCharsets.UTF_8);
            }
        }
        long doneAt = epochNanos();

        StringBuilder line = new StringBuilder();
        String t0 = System.getProperty("bench.t0");
        if (t0 != null) {
            long launched = Long.parseLong(t0);
            line.append("jvm_to_main=").append(ms(mainAt - launched)).append(' ');
            line.append("process_to_first_response=").append(ms(mainAt - launched + initNs + primeNs + times[0]))
                    .append(' ');
        }
        line.append("init=").append(ms(initNs)).append(' ');
        if (snapStart) {
            line.append("prime=").append(ms(primeNs)).append(' ');
        }
        line.append("first=").append(ms(times[0])).append(' ');
        if (probe != null) {
            line.append("serializer_first=").append(ms(serializerTimes[0])).append(' ');
            if (invocations > 1) {
                long[] warm = Arrays.copyOfRange(serializerTimes, invocations / 2, invocations);
                Arrays.sort(warm);
                line.append("serializer_warm_p50=").append(ms(warm[warm.length / 2])).append(' ');
            }
        }
        if (invocations > 1) {
            long[] warm = Arrays.copyOfRange(times, invocations / 2, invocations);
            Arrays.sort(warm);
            line.append("warm_p50=").append(ms(warm[warm.length / 2])).append(' ');
            line.append("warm_p99=").append(ms(warm[(int) Math.min(warm.length - 1, Math.ceil(warm.length * 0.99) - 1)]))
                    .append(' ');
            line.append("first_over_warm_p50=")
                    .append(String.format(Locale.ROOT, "%.1f", times[0] / (double) warm[warm.length / 2])).append(' ');
        }
        line.append("rss_peak_mb=").append(peakRssMb()).append(' ');
        line.append("wall_in_main=").append(ms(doneAt - mainAt)).append(' ');
        line.append("response=").append(firstResponse.replaceAll("\\s+", " ")
                .substring(0, Math.min(120, firstResponse.length())));
        System.out.println(line);
        System.out.flush();
        if (Boolean.getBoolean("bench.exit")) {
            System.exit(0); // a normal exit, so that -XX:ArchiveClassesAtExit writes its archive
        }
        // Lambda freezes the process here; halting now keeps non-daemon SDK threads from holding it open.
        Runtime.getRuntime().halt(0);
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static long peakRssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
