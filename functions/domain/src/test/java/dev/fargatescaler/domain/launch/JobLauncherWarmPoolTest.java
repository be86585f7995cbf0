package dev.fargatescaler.domain.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * During a warm-pool window a job's task gets the pool's idle wait, so that it becomes the next idle runner when
 * a warm one took its job; the wait is decided by when the job was received, so a retried RunTask is identical.
 */
class JobLauncherWarmPoolTest {

    static final Environments DEV = EnvironmentParser.parseArray("""
            [{"name":"dev","tags":["dev"],"cluster":"glfs-dev","taskDefinition":"glfs-dev-runner",
              "subnets":["subnet-0123456789abcdef0"],"securityGroups":["sg-0123456789abcdef0"],
              "warmPool":{"size":2,"idleTimeout":"PT10M","timeZone":"UTC",
                          "windows":[{"days":"MON-FRI","from":"08:00","to":"19:00"}]}}]""", "test");

    final Fakes.GitLab gitLab = new Fakes.GitLab();
    final Fakes.Ecs ecs = new Fakes.Ecs();

    TaskLaunch launchReceivedAt(Instant received, Instant now) {
        JobLauncher launcher = new JobLauncher(DEV, gitLab, ecs, new Fakes.Visibility(), new Fakes.Queue(),
                new RecordingMetrics(), Clock.fixed(now, ZoneOffset.UTC), new Backoff(new SplittableRandom(3)), 7);
        gitLab.pending(42, 1001, "main", "dev");
        PendingJob job = new PendingJob(42, "group/app", 1001, "test", "test", "main", 99L, "abc", 0,
                "https://gitlab.example.com", null, received, "42:1001:pending", 0, PendingJob.SOURCE_WEBHOOK);
        launcher.process(List.of(new QueueMessage("m1", "r1", PendingJobCodec.toJson(job), 1)));
        return ecs.launches.get(ecs.launches.size() - 1);
    }

    @Test
    void aJobReceivedInAWindowGetsTheIdleTimeoutEvenWhenLaunchedAfterIt() {
        // Tuesday 1 December 2026, 18:58 UTC: two minutes left in the window; launched after it ended.
        TaskLaunch launch = launchReceivedAt(Instant.parse("2026-12-01T18:58:00Z"),
                Instant.parse("2026-12-01T19:00:30Z"));

        assertThat(launch.containerEnvironment()).containsEntry("RUNNER_WAIT_TIMEOUT", "120");
    }

    @Test
    void inTheMiddleOfAWindowTheWaitIsTheIdleTimeout() {
        TaskLaunch launch = launchReceivedAt(Instant.parse("2026-12-01T10:00:00Z"),
                Instant.parse("2026-12-01T10:00:01Z"));

        assertThat(launch.containerEnvironment()).containsEntry("RUNNER_WAIT_TIMEOUT", "600");
    }

    @Test
    void outsideTheWindowsTheTaskKeepsItsTaskDefinitionsWait() {
        TaskLaunch launch = launchReceivedAt(Instant.parse("2026-12-01T19:00:00Z"),
                Instant.parse("2026-12-01T19:00:01Z"));

        assertThat(launch.containerEnvironment()).doesNotContainKey("RUNNER_WAIT_TIMEOUT");
    }
}
