package dev.fargatescaler.bench;

import dev.fargatescaler.shared.aws.AwsTarget;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/** Shared set-up for the JMH benchmarks. */
public final class BenchSupport {

    private BenchSupport() {
    }

    /**
     * The production wiring of one function container ({@code FunctionWiring}, the same factory methods as the
     * handlers' no-arg constructors) from {@code variables}, with AWS answered in-process by
     * {@link FakeSdkHttpClient} and GitLab by {@link FakeGitLabHttpClient} (every job pending, tagged {@code dev}).
     */
    public static FunctionWiring wiring(Map<String, String> variables) {
        return new FunctionWiring(variables, AwsTarget.of(Map.of("AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "AKIDBENCHMARK", "AWS_SECRET_ACCESS_KEY", "bench-secret-key")),
                new FakeSdkHttpClient(), () -> new FakeGitLabHttpClient(jobId -> "dev"), Clock.systemUTC());
    }

    /** EMF documents go to stdout in Lambda; here they are written to nowhere (the cost of writing them stays). */
    public static void silenceStdout() {
        System.setOut(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
    }

    public static String resource(String name) {
        try (InputStream in = BenchSupport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} copies of an event template with {@code ${N}} replaced by 1..count. */
    public static byte[][] events(String template, int count) {
        byte[][] events = new byte[count][];
        for (int i = 0; i < count; i++) {
            events[i] = template.replace("${N}", Integer.toString(i + 1)).getBytes(StandardCharsets.UTF_8);
        }
        return events;
    }
}
