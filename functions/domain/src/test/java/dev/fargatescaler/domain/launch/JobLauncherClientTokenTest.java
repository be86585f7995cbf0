package dev.fargatescaler.domain.launch;

import static dev.fargatescaler.domain.launch.ScalerMetrics.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.environment.TestEnvironments;
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
 * A message must not reuse a client token that an earlier launch spent: RunTask's idempotency would hand back the
 * earlier task (the result of the original request, for up to 24 h) instead of starting one
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html).
 */
class JobLauncherClientTokenTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:05Z");
    /** When the catch-up queued the message. */
    private static final Instant QUEUED = Instant.parse("2026-12-01T10:00:00Z");
    /** When the job's first task was started, long before. */
    private static final Instant EARLIER = Instant.parse("2026-12-01T08:00:00Z");

    private final Fakes.GitLab gitLab = new Fakes.GitLab();
    private final Fakes.Ecs ecs = new Fakes.Ecs();
    private final Fakes.Visibility visibility = new Fakes.Visibility();
    private final Fakes.Queue queue = new Fakes.Queue();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final JobLauncher launcher = new JobLauncher(TestEnvironments.devStagingProduction(), gitLab, ecs,
            visibility, queue, metrics, Clock.fixed(NOW, ZoneOffset.UTC), new Backoff(new SplittableRandom(3)), 6);

    private static QueueMessage catchUp(long jobId) {
        // The catch-up does not know the attempt: it always queues attempt 0.
        PendingJob job = new PendingJob(7, "group/app", jobId, "test", null, "main", 99L, null, null, null, null,
                QUEUED, "7:" + jobId + ":catch-up", 0, PendingJob.SOURCE_CATCH_UP);
        return new QueueMessage("m" + jobId, "receipt-" + jobId, PendingJobCodec.toJson(job), 1);
    }

    private static String arn(TaskLaunch launch) {
        return "arn:aws:ecs:us-east-1:123456789012:task/" + launch.environment().cluster() + "/old-" + launch.clientToken();
    }

    @Test
    void aTokenWhoseTaskStoppedMovesTheLaunchToTheNextAttempt() {
        gitLab.pending(7, 1, "main", "dev");
        ecs.answers.add(launch -> new LaunchResult.Started(arn(launch), "STOPPED", "STOPPED", EARLIER));

        BatchResult result = launcher.process(List.of(catchUp(1)));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(ecs.launches).extracting(TaskLaunch::clientToken)
                .containsExactly("glfs-dev-7-1-0", "glfs-dev-7-1-1");
        assertThat(ecs.launches.get(1).containerEnvironment()).containsEntry("GLFS_ATTEMPT", "1");
        assertThat(metrics.sum(SPENT_CLIENT_TOKEN, ENVIRONMENT, "dev")).isEqualTo(1);
        assertThat(metrics.sum(LAUNCHED, ENVIRONMENT, "dev")).isEqualTo(1);
    }

    @Test
    void anOriginalAnswerOfATaskCreatedBeforeTheMessageIsCheckedAndSkippedWhenThatTaskHasStopped() {
        gitLab.pending(7, 1, "main", "dev");
        // Idempotency may answer with the task as it was first described: PROVISIONING, created hours ago.
        ecs.answers.add(launch -> new LaunchResult.Started(arn(launch), "PROVISIONING", "RUNNING", EARLIER));
        ecs.stopped.add("arn:aws:ecs:us-east-1:123456789012:task/glfs-dev/old-glfs-dev-7-1-0");

        BatchResult result = launcher.process(List.of(catchUp(1)));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(ecs.described).containsExactly("arn:aws:ecs:us-east-1:123456789012:task/glfs-dev/old-glfs-dev-7-1-0");
        assertThat(ecs.launches).extracting(TaskLaunch::clientToken)
                .containsExactly("glfs-dev-7-1-0", "glfs-dev-7-1-1");
    }

    @Test
    void aTaskCreatedBeforeTheMessageThatStillRunsIsTheJobsTaskAndNothingMoreStarts() {
        gitLab.pending(7, 1, "main", "dev");
        ecs.answers.add(launch -> new LaunchResult.Started(arn(launch), "RUNNING", "RUNNING", EARLIER));

        BatchResult result = launcher.process(List.of(catchUp(1)));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(ecs.launches).hasSize(1);
        assertThat(metrics.sum(ALREADY_LAUNCHED, ENVIRONMENT, "dev")).isEqualTo(1);
        assertThat(metrics.sum(LAUNCHED)).isZero();
    }

    @Test
    void aTaskCreatedAfterTheMessageWasQueuedIsThisLaunchsTask() {
        gitLab.pending(7, 1, "main", "dev");
        ecs.answers.add(launch -> new LaunchResult.Started(arn(launch), "PROVISIONING", "RUNNING", NOW));

        launcher.process(List.of(catchUp(1)));

        assertThat(ecs.launches).hasSize(1);
        assertThat(ecs.described).isEmpty();
        assertThat(metrics.sum(LAUNCHED, ENVIRONMENT, "dev")).isEqualTo(1);
    }

    @Test
    void aConflictOnTheTokenMovesToTheNextAttempt() {
        gitLab.pending(7, 1, "main", "dev");
        ecs.answers.add(launch -> new LaunchResult.TokenConflict("clientToken already in use [arn:old]"));

        launcher.process(List.of(catchUp(1)));

        assertThat(ecs.launches).extracting(TaskLaunch::clientToken)
                .containsExactly("glfs-dev-7-1-0", "glfs-dev-7-1-1");
        assertThat(metrics.sum(LAUNCHED, ENVIRONMENT, "dev")).isEqualTo(1);
    }

    @Test
    void theSearchIsBoundedAndKeepsTheJobWhenEveryTokenIsSpent() {
        gitLab.pending(7, 1, "main", "dev");
        for (int i = 0; i < JobLauncher.MAX_SPENT_TOKENS + 5; i++) {
            ecs.answers.add(launch -> new LaunchResult.Started(arn(launch), "STOPPED", "STOPPED", EARLIER));
        }

        BatchResult result = launcher.process(List.of(catchUp(1)));

        assertThat(result.failedMessageIds()).containsExactly("m1");
        assertThat(ecs.launches).hasSize(JobLauncher.MAX_SPENT_TOKENS);
        assertThat(metrics.sum(RETRYABLE_ERROR, REASON, "ClientTokensSpent")).isEqualTo(1);
    }

    @Test
    void theSpotFallbackOfASpentAttemptAlsoMovesOn() {
        gitLab.pending(7, 1, "main", "staging");
        // Spot has no capacity on attempt 0; the on-demand retry's token was spent by an earlier fallback.
        ecs.answers.add(launch -> new LaunchResult.Failed("Capacity is unavailable at this time", ""));
        ecs.answers.add(launch -> new LaunchResult.Started(arn(launch), "STOPPED", "STOPPED", EARLIER));

        launcher.process(List.of(catchUp(1)));

        assertThat(ecs.launches).extracting(TaskLaunch::clientToken)
                .containsExactly("glfs-staging-7-1-0", "gfod-staging-7-1-0", "glfs-staging-7-1-1");
    }
}
