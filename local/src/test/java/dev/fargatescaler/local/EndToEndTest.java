package dev.fargatescaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.local.fargate.RunnerModel;
import dev.fargatescaler.local.start.Demo;
import dev.fargatescaler.local.start.LocalPipeline;
import dev.fargatescaler.local.start.Monitor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * The whole pipeline on moto_server, exactly as {@code bin/local demo} runs it: pending webhooks in, the right
 * tasks out in the right clusters, reports emitted, duplicates harmless; then nothing left running. It runs in
 * eu-west-1, so that anything local mode still did in a fixed region would launch nothing and fail here.
 */
class EndToEndTest {

    @Test
    void sampleWebhooksBecomeTheRightTasksAndEverythingStopsAfterwards() throws IOException, InterruptedException {
        // Where the build's secret-hygiene check reads logs: the functions' logs are scanned too.
        Path logDir = Files.createDirectories(Path.of("target", "test-logs")).toAbsolutePath();
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(shown, true, StandardCharsets.UTF_8);
        LocalPipeline.Options options = new LocalPipeline.Options(ProjectFiles.root(), 0, null, false, null, null,
                EnvVarsFile.NONE, Map.of(), logDir, Duration.ofMillis(500), Duration.ofHours(1),
                // Simulated Fargate, faster than the default 30 s but slower than a runner's poll interval, so that
                // a warm take is told from a fresh one: 4 s provisioning, 0.5 s polls and stop steps, 1 s jobs.
                new RunnerModel(Duration.ofSeconds(4), Duration.ofMillis(500), Duration.ofMillis(500),
                        Duration.ofSeconds(1)), Duration.ofHours(1),
                // Not us-east-1: everything local mode creates and every function call must be in this region.
                Region.EU_WEST_1, LocalPipeline.DEFAULT_CONCURRENCY);
        long processesBefore = ProcessHandle.current().descendants().count();

        List<Demo.Expectation> expectations;
        LocalPipeline pipeline = LocalPipeline.start(options, new Monitor(out, logDir.resolve("local.log")));
        try {
            // The template must wire the pipeline end to end: webhook route, queue to the scaler.
            assertThat(pipeline.sources().routes()).extracting(r -> r.path())
                    .containsExactly("/webhook");
            assertThat(pipeline.sources().queues()).extracting(q -> q.function()).containsExactly("ScalerFunction");
            assertThat(pipeline.sources().queues().get(0).reportBatchItemFailures()).isTrue();
            assertThat(pipeline.clusters()).extracting(c -> c.cluster())
                    .containsExactly("glfs-dev", "glfs-staging", "glfs-production");

            expectations = new Demo(pipeline, out, Duration.ofSeconds(90)).run();
        } finally {
            pipeline.close();
        }

        String transcript = shown.toString(StandardCharsets.UTF_8);
        assertThat(expectations).as(transcript).isNotEmpty().allSatisfy(e -> assertThat(e.held()).as(e.what() + " "
                + e.detail()).isTrue());
        assertThat(transcript).contains("launch   dev: job 1977", "launch   staging: job 1978",
                "launch   production: job 1979");
        // Simulated Fargate: runners took the jobs, and dev's warm pool took the demo's new job.
        assertThat(transcript).contains("took job 1977 after", "was taken by warm-pool task");
        // Nothing this pipeline started survives it: moto_server, function workers.
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                .isLessThanOrEqualTo(processesBefore);
        // The functions' logs never carry the local secrets.
        List<Path> functionLogs = Files.list(logDir).filter(p -> p.getFileName().toString().endsWith("Function.log"))
                .toList();
        assertThat(functionLogs).hasSizeGreaterThanOrEqualTo(4);
        for (Path log : functionLogs) {
            assertThat(Files.readString(log)).doesNotContain("local-webhook-token", "glpat-local-gitlab-double-token");
        }
    }
}
