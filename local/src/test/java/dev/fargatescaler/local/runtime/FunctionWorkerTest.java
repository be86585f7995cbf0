package dev.fargatescaler.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker JVM behaves like a Lambda execution environment: own environment, timeout, init errors. */
class FunctionWorkerTest {

    /** Answers with its environment's LOCAL_GREETING and the context's function name; sleeps on "sleep". */
    public static final class Probe implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
            if (event.contains("sleep")) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (event.contains("throw")) {
                throw new IllegalStateException("asked to fail");
            }
            System.out.println("a log line, not the response");
            output.write(("{\"greeting\":\"" + System.getenv("LOCAL_GREETING") + "\",\"function\":\""
                    + context.getFunctionName() + "\",\"path\":\"" + (System.getenv("HOME") == null) + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Its init phase (constructor) takes longer than the function's timeout: it must not count against it. */
    public static final class SlowInit implements RequestStreamHandler {
        public SlowInit() throws InterruptedException {
            Thread.sleep(4_000); // more than the timeout and its 2 s of slack
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            output.write("{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Its constructor fails, as a handler with a broken configuration does. */
    public static final class BrokenInit implements RequestStreamHandler {
        public BrokenInit() {
            throw new IllegalArgumentException("JOB_QUEUE_URL is required");
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) {
        }
    }

    private static FunctionWorker worker(String handler, Duration timeout) {
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).toList();
        return new FunctionWorker(new FunctionWorker.Spec("Probe", handler,
                Map.of("LOCAL_GREETING", "hello", "AWS_LAMBDA_FUNCTION_NAME", "glfs-local-Probe"), classpath,
                timeout, null));
    }

    @Test
    void theInitPhaseDoesNotCountAgainstTheFunctionsTimeout() throws IOException {
        // Lambda counts the timeout from the invocation: a cold start slower than the timeout is not a timeout
        // (several JVMs starting at once on few cores made every first invocation time out).
        try (FunctionWorker worker = worker(SlowInit.class.getName(), Duration.ofSeconds(1))) {
            FunctionWorker.Result result = worker.invoke(bytes("{}"));

            assertThat(result.ok()).as(result.payloadText()).isTrue();
            assertThat(result.payloadText()).isEqualTo("{\"ok\":true}");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theHandlerSeesOnlyItsOwnEnvironmentAndStdoutIsNotTheResponse() throws IOException {
        try (FunctionWorker worker = worker(Probe.class.getName() + "::handleRequest", Duration.ofSeconds(10))) {
            FunctionWorker.Result result = worker.invoke(bytes("{}"));

            assertThat(result.ok()).isTrue();
            // HOME is not passed: nothing leaks in from the parent's environment.
            assertThat(result.payloadText()).isEqualTo(
                    "{\"greeting\":\"hello\",\"function\":\"glfs-local-Probe\",\"path\":\"true\"}");
        }
    }

    @Test
    void anInvocationPastTheTimeoutFailsLikeLambdaAndTheNextOneGetsAFreshWorker() throws IOException {
        try (FunctionWorker worker = worker(Probe.class.getName(), Duration.ofSeconds(1))) {
            FunctionWorker.Result timedOut = worker.invoke(bytes("sleep"));

            assertThat(timedOut.ok()).isFalse();
            assertThat(timedOut.payloadText()).contains("Sandbox.Timedout").contains("Task timed out after 1");
            assertThat(worker.isRunning()).isFalse();
            FunctionWorker.Result next = worker.invoke(bytes("{}"));
            assertThat(next.ok()).isTrue();
        }
    }

    @Test
    void handlerAndInitErrorsComeBackAsLambdasErrorDocument() throws IOException {
        try (FunctionWorker worker = worker(Probe.class.getName(), Duration.ofSeconds(10))) {
            FunctionWorker.Result failed = worker.invoke(bytes("throw"));
            assertThat(failed.ok()).isFalse();
            assertThat(failed.payloadText()).contains("\"errorType\":\"java.lang.IllegalStateException\"")
                    .contains("asked to fail");
        }
        try (FunctionWorker worker = worker(BrokenInit.class.getName(), Duration.ofSeconds(10))) {
            FunctionWorker.Result failed = worker.invoke(bytes("{}"));
            assertThat(failed.ok()).isFalse();
            assertThat(failed.payloadText()).contains("JOB_QUEUE_URL is required");
        }
    }
}
