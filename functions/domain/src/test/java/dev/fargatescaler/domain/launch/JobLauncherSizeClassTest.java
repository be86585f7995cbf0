package dev.fargatescaler.domain.launch;

import static dev.fargatescaler.domain.environment.TestEnvironments.environment;
import static dev.fargatescaler.domain.environment.TestEnvironments.large;
import static dev.fargatescaler.domain.environment.TestEnvironments.withSizeClasses;
import static dev.fargatescaler.domain.launch.ScalerMetrics.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.Guards;
import dev.fargatescaler.domain.environment.LaunchMode;
import dev.fargatescaler.domain.environment.TaskSize;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A job routed to a size class starts a task of the class's size, with the class's token, exactly once. */
class JobLauncherSizeClassTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:05Z");
    private static final Instant RECEIVED = Instant.parse("2026-11-28T10:00:00Z");

    private final Fakes.GitLab gitLab = new Fakes.GitLab();
    private final Fakes.Ecs ecs = new Fakes.Ecs();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final Environments environments = new Environments(List.of(withSizeClasses(
            environment("dev", Set.of("fargate", "dev"), true, 0, 10, Guards.NONE, LaunchMode.fargateSpot(true)),
            large("dev-large"))));

    private JobLauncher launcher() {
        return new JobLauncher(environments, gitLab, ecs, new Fakes.Visibility(), new Fakes.Queue(), metrics,
                Clock.fixed(NOW, ZoneOffset.UTC), new Backoff(new SplittableRandom(3)), 7);
    }

    private static QueueMessage message(String id, long projectId, long jobId) {
        PendingJob job = new PendingJob(projectId, "group/app", jobId, "test", "test", "main", 99L, "abc", 0,
                "https://gitlab.example.com", null, RECEIVED, projectId + ":" + jobId + ":pending", 0,
                PendingJob.SOURCE_WEBHOOK);
        return new QueueMessage(id, "receipt-" + id, PendingJobCodec.toJson(job), 1);
    }

    @Test
    void aClassJobGetsTheClassSizeItsTokenVariableAndItsName() {
        gitLab.pending(5, 501, "main", "dev-large");

        launcher().process(List.of(message("m", 5, 501)));

        assertThat(ecs.launches).singleElement().satisfies(launch -> {
            assertThat(launch.environment().name()).isEqualTo("dev");
            assertThat(launch.size()).isEqualTo(new TaskSize(4096, 16384, 100));
            assertThat(launch.containerEnvironment())
                    .containsEntry("GLFS_SIZE_CLASS", "large")
                    .containsEntry("RUNNER_TOKEN_VARIABLE", "CI_SERVER_TOKEN_1");
            // Same naming as any job of the environment: the class is not part of startedBy or the token.
            assertThat(launch.startedBy()).isEqualTo("glfs/dev/5/501");
            assertThat(launch.clientToken()).isEqualTo("glfs-dev-5-501-0");
        });
        assertThat(metrics.sum(LAUNCHED, ENVIRONMENT, "dev")).isEqualTo(1);
        assertThat(metrics.points()).anySatisfy(p -> {
            assertThat(p.name()).isEqualTo(LAUNCHED_BY_SIZE_CLASS);
            assertThat(p.dimensions()).isEqualTo(Map.of(ENVIRONMENT, "dev", SIZE_CLASS, "large"));
        });
    }

    @Test
    void plainAndUntaggedJobsKeepTheTaskDefinitionsSizeAndToken() {
        gitLab.pending(5, 502, "main", "fargate", "dev");
        gitLab.pending(5, 503, "main");

        launcher().process(List.of(message("a", 5, 502), message("b", 5, 503)));

        assertThat(ecs.launches).hasSize(2).allSatisfy(launch -> {
            assertThat(launch.size()).isNull();
            assertThat(launch.containerEnvironment()).doesNotContainKeys("GLFS_SIZE_CLASS", "RUNNER_TOKEN_VARIABLE");
        });
        assertThat(metrics.points()).filteredOn(p -> p.name().equals(LAUNCHED_BY_SIZE_CLASS))
                .allSatisfy(p -> assertThat(p.dimensions()).containsEntry(SIZE_CLASS, "default")).hasSize(2);
    }

    @Test
    void everyDeliveryAndTheOnDemandRetrySendTheSameSize() {
        gitLab.pending(5, 504, "main", "dev-large");
        ecs.answers.add(launch -> new LaunchResult.Failed("Capacity is unavailable at this time", ""));

        // The first delivery meets a Spot shortage and falls back to on-demand; a duplicate delivery of the same
        // job, in another invocation, finds the task already running.
        launcher().process(List.of(message("m1", 5, 504)));
        ecs.running.clear();
        launcher().process(List.of(message("m2", 5, 504)));

        assertThat(ecs.launches).hasSize(3);
        assertThat(ecs.launches).extracting(TaskLaunch::size).containsOnly(new TaskSize(4096, 16384, 100));
        assertThat(ecs.launches).extracting(TaskLaunch::containerEnvironment).allSatisfy(env ->
                assertThat(env).containsEntry("RUNNER_TOKEN_VARIABLE", "CI_SERVER_TOKEN_1"));
        // Attempt 0 twice with one token: RunTask's idempotency needs the same parameters, and they are.
        assertThat(ecs.launches.get(0)).isEqualTo(ecs.launches.get(2));
        assertThat(ecs.launches.get(1).onDemand()).isTrue();
    }
}
