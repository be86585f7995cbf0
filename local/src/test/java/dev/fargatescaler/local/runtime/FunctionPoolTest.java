package dev.fargatescaler.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function runs in up to its concurrency of execution environments at once, each its own JVM, as Lambda scales
 * containers; never more. Checked with a rendezvous between the environments, not with timings.
 */
class FunctionPoolTest {

    /**
     * Marks its arrival with a file named after its JVM, then waits until the directory holds as many
     * arrivals as the event asks for (the event: "<dir> <arrivals> <most millis to wait> [leave]"; with
     * {@code leave} its mark is removed when it returns), and answers with the arrivals it saw and its process id.
     */
    public static final class Rendezvous implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            String[] event = new String(input.readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
            Path dir = Path.of(event[0]);
            int wanted = Integer.parseInt(event[1]);
            Path mine = Files.createTempFile(dir, "arrival-" + ProcessHandle.current().pid() + "-", "");
            long deadline = System.currentTimeMillis() + Long.parseLong(event[2]);
            long seen;
            try (var files = Files.list(dir)) {
                seen = files.count();
            }
            while (seen < wanted && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                try (var files = Files.list(dir)) {
                    seen = files.count();
                }
            }
            if (event.length > 3 && "leave".equals(event[3])) {
                Files.delete(mine); // the directory then counts who is inside now, not who ever arrived
            }
            output.write((seen + " " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static FunctionPool pool(int concurrency) {
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).toList();
        return new FunctionPool(new FunctionWorker.Spec("Rendezvous", Rendezvous.class.getName(), Map.of(),
                classpath, Duration.ofSeconds(60), null), concurrency);
    }

    private static List<String> invokeAtOnce(FunctionPool pool, int invocations, String event) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(invocations);
        try {
            List<Future<FunctionWorker.Result>> results = new ArrayList<>();
            for (int i = 0; i < invocations; i++) {
                results.add(callers.submit(() -> pool.invoke(event.getBytes(StandardCharsets.UTF_8))));
            }
            List<String> answers = new ArrayList<>();
            for (Future<FunctionWorker.Result> r : results) {
                FunctionWorker.Result result = r.get();
                assertThat(result.ok()).as(result.payloadText()).isTrue();
                answers.add(result.payloadText());
            }
            return answers;
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void concurrentInvocationsRunInSeparateEnvironmentsAtTheSameTime(@TempDir Path dir) throws Exception {
        try (FunctionPool pool = pool(3)) {
            List<String> answers = invokeAtOnce(pool, 3, dir + " 3 300000");

            // Each waited inside the handler until all three had arrived: they were inside together, each in its
            // own JVM (however slowly the JVMs started).
            assertThat(answers).allSatisfy(a -> assertThat(a).startsWith("3 "));
            assertThat(answers.stream().map(a -> a.split(" ")[1]).distinct()).hasSize(3);
            assertThat(pool.environments()).isEqualTo(3);
        }
    }

    @Test
    void neverMoreEnvironmentsThanTheConcurrencyAndTheyAreReused(@TempDir Path dir) throws Exception {
        try (FunctionPool pool = pool(2)) {
            // Each invocation waits for a third arrival that can never come while only two run at once: each
            // gives up after its wait and reports the two it saw.
            List<String> answers = invokeAtOnce(pool, 4, dir + " 3 3000 leave");

            assertThat(answers).allSatisfy(a -> assertThat(Integer.parseInt(a.split(" ")[0])).isLessThanOrEqualTo(2));
            assertThat(answers.stream().map(a -> a.split(" ")[1]).distinct()).hasSize(2);
            assertThat(pool.environments()).isEqualTo(2);
        }
    }
}
