package dev.fargatescaler.local;

import dev.fargatescaler.local.aws.AwsTarget;
import dev.fargatescaler.local.runtime.AotCache;
import dev.fargatescaler.local.runtime.FunctionWorker;
import dev.fargatescaler.testkit.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.regions.Region;

/**
 * bench/local-worker.sh: how long a local-mode worker takes to be ready for its first invocation (JVM start and
 * the handler's init phase, {@link FunctionWorker#start()}), per function, on the plain JVM and with the
 * function's AOT cache, interleaved run by run. The workers are built as bin/local builds them
 * ({@link LocalStack#functionSpec}: the shaded jars, the function's environment pointing at a moto_server with
 * the templates deployed); the cache is trained as {@code bin/local start} trains it ({@link AotCache#train}),
 * into a directory of the bench's own, so the training time is measured too. Not a test: no assertion on times.
 *
 * <p>Usage: {@code WorkerStartBench <runs> <out dir> [LogicalId...]}
 */
public final class WorkerStartBench {

    private WorkerStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Path out = Path.of(args[1]).toAbsolutePath();
        Path root = Path.of(System.getProperty("glfs.root", ".")).toAbsolutePath();
        Region region = AwsTarget.regionFromEnvironment();
        LocalDeployment.Options options = new LocalDeployment.Options(root, Map.of(), null, null, List.of(), false);
        LocalDeployment.Checked checked = LocalDeployment.check(options, region, false);
        Path aotDir = out.resolve("aot");
        deleteTree(aotDir);
        try (MotoServer moto = MotoServer.start();
             LocalDeployment deployed = LocalDeployment.deploy(checked, AwsTarget.emulator(moto.endpoint(), region),
                     m -> { })) {
            LocalStack stack = deployed.stack();
            List<String> functions = args.length > 2 ? Arrays.asList(args).subList(2, args.length)
                    : stack.template().functionIds().stream()
                            .filter(id -> stack.template().function(id).handler() != null).toList();
            Map<String, FunctionWorker.Spec[]> variants = new LinkedHashMap<>();
            Map<String, Double> training = new LinkedHashMap<>();
            for (String function : functions) {
                FunctionWorker.Spec spec = stack.functionSpec(function, EnvVarsFile.NONE,
                        out.resolve(function + ".log"));
                FunctionWorker.Spec cached = spec.withAot(new AotCache(aotDir, m -> System.err.println("[bench] " + m)));
                long t0 = System.nanoTime();
                Path cache = cached.aot().train(cached);
                training.put(function, cache == null ? Double.NaN : (System.nanoTime() - t0) / 1e6);
                variants.put(function, new FunctionWorker.Spec[] {spec.withAot(null), cache == null ? null : cached});
            }
            Map<String, List<List<Double>>> times = new LinkedHashMap<>();
            functions.forEach(f -> times.put(f, List.of(new ArrayList<>(), new ArrayList<>())));
            for (int run = 1; run <= runs; run++) {
                for (String function : functions) {
                    for (int v = 0; v < 2; v++) {
                        FunctionWorker.Spec spec = variants.get(function)[v];
                        if (spec != null) {
                            times.get(function).get(v).add(readyMillis(spec, v == 1));
                        }
                    }
                }
                System.err.println("[bench] run " + run + "/" + runs + " done");
            }
            System.out.println("| function | plain JVM: median (min-max) | AOT cache: median (min-max) | cached / plain"
                    + " | training run (cache written) |");
            System.out.println("| --- | --- | --- | --- | --- |");
            for (String function : functions) {
                List<Double> plain = times.get(function).get(0);
                List<Double> cached = times.get(function).get(1);
                System.out.println(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", function,
                        summary(plain), cached.isEmpty() ? "no cache" : summary(cached),
                        cached.isEmpty() ? "" : String.format(Locale.ROOT, "%.2f", median(cached) / median(plain)),
                        Double.isNaN(training.get(function)) ? "failed"
                                : String.format(Locale.ROOT, "%.1f s", training.get(function) / 1000)));
            }
        }
    }

    /** JVM start → end of the handler's init phase, as the pool waits for it before the first invocation. */
    private static double readyMillis(FunctionWorker.Spec spec, boolean cached) throws IOException {
        try (FunctionWorker worker = new FunctionWorker(spec)) {
            long t0 = System.nanoTime();
            worker.start();
            double millis = (System.nanoTime() - t0) / 1e6;
            if (cached != (worker.startedWithAotCache() != null)) {
                throw new IllegalStateException(spec.name() + ": expected a start " + (cached ? "with" : "without")
                        + " the AOT cache, see " + spec.log());
            }
            return millis;
        }
    }

    private static String summary(List<Double> millis) {
        return String.format(Locale.ROOT, "%.0f ms (%.0f-%.0f)", median(millis),
                millis.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                millis.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }

    private static double median(List<Double> millis) {
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
