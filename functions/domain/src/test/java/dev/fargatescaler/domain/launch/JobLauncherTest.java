package dev.fargatescaler.domain.launch;

import static dev.fargatescaler.domain.launch.ScalerMetrics.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.environment.TestEnvironments;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.gitlab.JobLookup;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.metrics.MetricUnit;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JobLauncherTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:05Z");
    private static final Instant RECEIVED = Instant.parse("2026-11-28T10:00:00Z");

    private final Fakes.GitLab gitLab = new Fakes.GitLab();
    private final Fakes.Ecs ecs = new Fakes.Ecs();
    private final Fakes.Visibility visibility = new Fakes.Visibility();
    private final Fakes.Queue queue = new Fakes.Queue();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final JobLauncher launcher = new JobLauncher(TestEnvironments.devStagingProduction(), gitLab, ecs,
            visibility, queue, metrics, Clock.fixed(NOW, ZoneOffset.UTC), new Backoff(new SplittableRandom(3)), 7);

    private static PendingJob pending(long projectId, long jobId) {
        return new PendingJob(projectId, "group/app" + projectId, jobId, "test", "test", "main", 99L, "abc", 0,
                "https://gitlab.example.com", null, RECEIVED, projectId + ":" + jobId + ":pending", 0,
                PendingJob.SOURCE_WEBHOOK);
    }

    private static QueueMessage message(String id, PendingJob job, int receiveCount) {
        return new QueueMessage(id, "receipt-" + id, PendingJobCodec.toJson(job), receiveCount);
    }

    private static QueueMessage message(String id, PendingJob job) {
        return message(id, job, 1);
    }

    @Test
    void launchesOneTaskWithDeterministicNamesTagsAndHints() {
        gitLab.pending(42, 1001, "main", "fargate", "production");

        BatchResult result = launcher.process(List.of(message("m1", pending(42, 1001))));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(ecs.launches).singleElement().satisfies(launch -> {
            assertThat(launch.environment().name()).isEqualTo("production");
            assertThat(launch.startedBy()).isEqualTo("glfs/production/42/1001");
            assertThat(launch.group()).isEqualTo("glfs:production");
            assertThat(launch.clientToken()).isEqualTo("glfs-production-42-1001-0");
            assertThat(launch.onDemand()).isFalse();
            assertThat(launch.tags()).containsEntry("glfs:environment", "production")
                    .containsEntry("glfs:project-id", "42").containsEntry("glfs:job-id", "1001")
                    .containsEntry("glfs:pipeline-id", "99");
            assertThat(launch.containerEnvironment()).containsEntry("GLFS_JOB_ID", "1001")
                    .containsEntry("GLFS_ENVIRONMENT", "production").containsEntry("GLFS_ATTEMPT", "0")
                    .allSatisfy((k, v) -> assertThat(k).doesNotContainIgnoringCase("token"));
        });
        assertThat(metrics.sum(LAUNCHED, ENVIRONMENT, "production")).isEqualTo(1);
        assertThat(metrics.points()).anySatisfy(p -> {
            assertThat(p.name()).isEqualTo(WEBHOOK_TO_RUN_TASK_LATENCY);
            assertThat(p.value()).isEqualTo(5000);
            assertThat(p.unit()).isEqualTo(MetricUnit.MILLISECONDS);
        });
        assertThat(visibility.delays).isEmpty();
    }

    @Test
    void malformedMessagesAreAcknowledgedAndCountedWithoutPoisoningTheBatch() {
        gitLab.pending(1, 5, "main", "dev");
        List<QueueMessage> batch = List.of(
                new QueueMessage("bad1", "r1", "not json", 1),
                new QueueMessage("bad2", "r2", "{\"v\":99}", 1),
                new QueueMessage("bad3", "r3", null, 1),
                message("good", pending(1, 5)));

        BatchResult result = launcher.process(batch);

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(metrics.sum(MALFORMED_MESSAGE)).isEqualTo(3);
        assertThat(ecs.launches).hasSize(1);
    }

    @Test
    void aJobNoLongerPendingOrUnknownIsAcknowledgedAndCounted() {
        gitLab.jobs.put(7L, new GitLabJob(7, 1, "running", List.of("dev"), "main", "t", 1L, null));

        BatchResult result = launcher.process(List.of(message("a", pending(1, 7)), message("b", pending(1, 8))));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(ecs.launches).isEmpty();
        assertThat(metrics.sum(NO_LONGER_PENDING, ENVIRONMENT, "dev")).isEqualTo(1);
        assertThat(metrics.sum(NO_LONGER_PENDING, ENVIRONMENT, NO_ENVIRONMENT)).isEqualTo(1);
    }

    @Test
    void unroutableAndRefusedJobsAreAcknowledgedAndCounted() {
        gitLab.pending(1, 10, "main", "gpu");
        gitLab.pending(7, 11, "main", "production");

        BatchResult result = launcher.process(List.of(message("a", pending(1, 10)), message("b", pending(7, 11))));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(ecs.launches).isEmpty();
        assertThat(metrics.sum(UNROUTABLE, ENVIRONMENT, NO_ENVIRONMENT)).isEqualTo(1);
        assertThat(metrics.sum(REFUSED_BY_GUARD, ENVIRONMENT, "production")).isEqualTo(1);
    }

    @Test
    void routesOnGitLabsTagsAndRefNotOnTheMessage() {
        // The message says ref "main"; GitLab says the job runs on "feature/x": production's guard must refuse.
        gitLab.jobs.put(12L, new GitLabJob(12, 42, "pending", List.of("production"), "feature/x", "t", 1L, null));

        launcher.process(List.of(message("a", pending(42, 12))));

        assertThat(ecs.launches).isEmpty();
        assertThat(metrics.sum(REFUSED_BY_GUARD)).isEqualTo(1);
    }

    @Test
    void guardsUseOnlyGitLabsAnswerNeverTheWebhooksPathOrRef() {
        // production allows project 42 or platform/*, on ref main. GitLab's answers lack the project path (no
        // web_url) and the ref; the webhook messages carry an allowed path and ref, which must not count.
        gitLab.jobs.put(13L, new GitLabJob(13, 7, "pending", List.of("production"), "main", "t", 1L, null));
        gitLab.jobs.put(14L, new GitLabJob(14, 42, "pending", List.of("production"), null, "t", 1L, "group/app42"));
        PendingJob viaAllowedPath = new PendingJob(7, "platform/app", 13, "test", "test", "main", 99L, "abc", 0,
                "https://gitlab.example.com", null, RECEIVED, "7:13:pending", 0, PendingJob.SOURCE_WEBHOOK);

        BatchResult result = launcher.process(List.of(message("a", viaAllowedPath), message("b", pending(42, 14))));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(ecs.launches).isEmpty();
        assertThat(metrics.sum(REFUSED_BY_GUARD, ENVIRONMENT, "production")).isEqualTo(2);
    }

    @Test
    void aJobTheTokenCannotSeeIsNeverDroppedButRetriedTowardTheDeadLetterQueue() {
        gitLab.notVisible.put(15L, new JobLookup.NotVisible(404, "404 Project Not Found"));
        gitLab.notVisible.put(16L, new JobLookup.NotVisible(403, "403 Forbidden"));

        BatchResult first = launcher.process(List.of(message("a", pending(5, 15)), message("b", pending(5, 16))));
        // On its last receives it is not queued afresh either: only the dead-letter queue (and its alarm) keeps
        // it, for a redrive once the token's access is fixed.
        BatchResult last = launcher.process(List.of(message("c", pending(5, 15), 7)));

        assertThat(first.failedMessageIds()).containsExactly("a", "b");
        assertThat(last.failedMessageIds()).containsExactly("c");
        assertThat(queue.queued).isEmpty();
        assertThat(ecs.launches).isEmpty();
        assertThat(visibility.delays).hasSize(3);
        assertThat(metrics.sum(JOB_NOT_VISIBLE)).isEqualTo(3);
        assertThat(metrics.sum(NO_LONGER_PENDING)).isZero();
    }

    @Test
    void onlyAJobGitLabReportsGoneInAReadableProjectIsAcknowledgedAsNoLongerThere() {
        BatchResult result = launcher.process(List.of(message("a", pending(5, 17))));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(metrics.sum(NO_LONGER_PENDING, ENVIRONMENT, NO_ENVIRONMENT)).isEqualTo(1);
        assertThat(metrics.sum(JOB_NOT_VISIBLE)).isZero();
    }

    @Test
    void duplicatesInOneBatchAndAcrossBatchesStartOneTask() {
        gitLab.pending(1, 20, "main", "dev");
        QueueMessage first = message("a", pending(1, 20));
        QueueMessage again = message("b", pending(1, 20));

        BatchResult one = launcher.process(List.of(first, again));
        BatchResult two = launcher.process(List.of(message("c", pending(1, 20))));

        assertThat(one.failedMessageIds()).isEmpty();
        assertThat(two.failedMessageIds()).isEmpty();
        assertThat(ecs.launches).hasSize(1);
        assertThat(metrics.sum(ALREADY_LAUNCHED, ENVIRONMENT, "dev")).isEqualTo(2);
    }

    @Test
    void atTheLimitTheMessageIsDeferredWithGrowingDelayAndKeptInTheQueue() {
        ecs.active.put("production", 3);
        for (long job = 30; job < 34; job++) {
            gitLab.pending(42, job, "main", "production");
        }
        List<QueueMessage> batch = new ArrayList<>();
        for (long job = 30; job < 34; job++) {
            batch.add(message("m" + job, pending(42, job), (int) (job - 29)));
        }

        BatchResult result = launcher.process(batch);

        // production allows 5: 3 active + 2 launched in this batch, then the limit.
        assertThat(ecs.launches).hasSize(2);
        assertThat(result.failedMessageIds()).containsExactly("m32", "m33");
        assertThat(visibility.delays.get("receipt-m32")).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(120));
        assertThat(visibility.delays.get("receipt-m33")).isBetween(Duration.ofSeconds(120), Duration.ofSeconds(240));
        assertThat(metrics.sum(DEFERRED_FOR_CAPACITY, ENVIRONMENT, "production")).isEqualTo(2);
        assertThat(metrics.sum(LAUNCH_FAILED)).isZero();
        assertThat(ecs.countCalls).isEqualTo(1);
    }

    @Test
    void aJobDeferredForCapacityIsQueuedAfreshBeforeItCouldReachTheDeadLetterQueue() {
        ecs.active.put("dev", 10);
        gitLab.pending(1, 40, "main", "dev");
        PendingJob job = pending(1, 40);

        BatchResult result = launcher.process(List.of(message("m", job, 7)));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(queue.queued).containsExactly(job);
        assertThat(metrics.sum(REQUEUED)).isEqualTo(1);
        assertThat(visibility.delays).isEmpty();
    }

    @Test
    void spotWithoutCapacityFallsBackToOnDemandWhereConfigured() {
        gitLab.pending(1, 50, "main", "staging");
        ecs.answers.add(launch -> new LaunchResult.Failed(
                "Capacity is unavailable at this time. Please try again later or in a different availability zone",
                ""));

        BatchResult result = launcher.process(List.of(message("m", pending(1, 50))));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(ecs.launches).hasSize(2);
        assertThat(ecs.launches.get(0).onDemand()).isFalse();
        assertThat(ecs.launches.get(1).onDemand()).isTrue();
        assertThat(ecs.launches.get(1).clientToken()).isEqualTo("gfod-staging-1-50-0");
        assertThat(ecs.launches.get(1).startedBy()).isEqualTo(ecs.launches.get(0).startedBy());
        assertThat(metrics.sum(SPOT_FALLBACK, ENVIRONMENT, "staging")).isEqualTo(1);
        assertThat(metrics.sum(LAUNCHED, ENVIRONMENT, "staging")).isEqualTo(1);
    }

    @Test
    void capacityFailureWithoutFallbackIsRetriedLaterAndCounted() {
        gitLab.pending(1, 51, "main", "dev");
        ecs.answers.add(launch -> new LaunchResult.Failed("RESOURCE:CPU", ""));

        BatchResult result = launcher.process(List.of(message("m", pending(1, 51))));

        assertThat(result.failedMessageIds()).containsExactly("m");
        assertThat(visibility.delays).containsKey("receipt-m");
        assertThat(metrics.sum(LAUNCH_FAILED, REASON, "Capacity")).isEqualTo(1);
        assertThat(metrics.sum(SPOT_FALLBACK)).isZero();
    }

    @Test
    void aFailedFallbackIsRetriedLater() {
        gitLab.pending(1, 52, "main", "staging");
        ecs.answers.add(launch -> new LaunchResult.Failed("Capacity is unavailable at this time.", ""));
        ecs.answers.add(launch -> new LaunchResult.Failed("Capacity is unavailable at this time.", ""));

        BatchResult result = launcher.process(List.of(message("m", pending(1, 52))));

        assertThat(result.failedMessageIds()).containsExactly("m");
        assertThat(metrics.sum(LAUNCH_FAILED, REASON, "Capacity")).isEqualTo(1);
    }

    @Test
    void configurationFailuresGoTowardTheDeadLetterQueueWithTheAlarmMetric() {
        gitLab.pending(1, 60, "main", "dev");
        gitLab.pending(1, 61, "main", "dev");
        ecs.answers.add(launch -> new LaunchResult.Failed("MISSING", "task definition"));
        gitLab.failures.put(61L, new ConfigurationException("GitLabAuth", "GitLab answered 401"));

        BatchResult result = launcher.process(List.of(message("a", pending(1, 60)), message("b", pending(1, 61))));

        assertThat(result.failedMessageIds()).containsExactly("a", "b");
        assertThat(metrics.sum(CONFIGURATION_ERROR)).isEqualTo(2);
        assertThat(metrics.sum(LAUNCH_FAILED, REASON, "Configuration")).isEqualTo(1);
    }

    @Test
    void retryableErrorsReturnTheMessageHonouringRetryAfter() {
        gitLab.pending(1, 70, "main", "dev");
        gitLab.failures.put(70L, new RetryableException("GitLabRateLimited", "429", Duration.ofMinutes(4), null));

        BatchResult result = launcher.process(List.of(message("m", pending(1, 70))));

        assertThat(result.failedMessageIds()).containsExactly("m");
        assertThat(visibility.delays.get("receipt-m")).isEqualTo(Duration.ofMinutes(4));
        assertThat(metrics.sum(RETRYABLE_ERROR, REASON, "GitLabRateLimited")).isEqualTo(1);
    }

    @Test
    void throttledEcsAndOtherRunTaskFailuresAreRetried() {
        gitLab.pending(1, 80, "main", "dev");
        gitLab.pending(1, 81, "main", "dev");
        ecs.answers.add(launch -> {
            throw new RetryableException("Throttling", "RunTask failed: ThrottlingException");
        });
        ecs.answers.add(launch -> new LaunchResult.Failed("Timeout waiting for network interface", ""));

        BatchResult result = launcher.process(List.of(message("a", pending(1, 80)), message("b", pending(1, 81))));

        assertThat(result.failedMessageIds()).containsExactly("a", "b");
        assertThat(metrics.sum(RETRYABLE_ERROR, REASON, "Throttling")).isEqualTo(1);
        assertThat(metrics.sum(LAUNCH_FAILED, REASON, "Other")).isEqualTo(1);
        assertThat(visibility.delays).hasSize(2);
    }

    @Test
    void otherPermanentErrorsAreAcknowledged() {
        gitLab.pending(1, 90, "main", "dev");
        gitLab.failures.put(90L, new PermanentException("GitLab422", "GitLab answered 422"));

        BatchResult result = launcher.process(List.of(message("m", pending(1, 90))));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(metrics.sum(PERMANENT_ERROR, REASON, "GitLab422")).isEqualTo(1);
    }

    @Test
    void unexpectedErrorsKeepTheJob() {
        gitLab.pending(1, 91, "main", "dev");
        gitLab.failures.put(91L, new IllegalStateException("bug"));

        BatchResult result = launcher.process(List.of(message("m", pending(1, 91))));

        assertThat(result.failedMessageIds()).containsExactly("m");
    }

    @Test
    void aFailedVisibilityChangeStillKeepsTheMessage() {
        ecs.countFailure = new RetryableException("Throttling", "ListTasks throttled");
        visibility.failure = new RetryableException("AwsUnreachable", "down");
        gitLab.pending(1, 92, "main", "dev");

        BatchResult result = launcher.process(List.of(message("m", pending(1, 92))));

        assertThat(result.failedMessageIds()).containsExactly("m");
        assertThat(ecs.launches).isEmpty();
    }

    @Test
    void aRelaunchUsesANewClientToken() {
        gitLab.pending(1, 93, "main", "dev");

        launcher.process(List.of(message("m", pending(1, 93).nextAttempt())));

        assertThat(ecs.launches).singleElement()
                .satisfies(l -> assertThat(l.clientToken()).isEqualTo("glfs-dev-1-93-1"));
    }

    @Test
    void stopsStartingMessagesWhenTheInvocationIsAboutToTimeOut() {
        gitLab.pending(1, 5, "main", "dev");
        gitLab.pending(1, 6, "main", "dev");
        gitLab.pending(1, 7, "main", "dev");
        // 60 s left for the first message, then 19 s: the others must not be started.
        java.util.Iterator<Duration> remaining = List.of(Duration.ofSeconds(60), Duration.ofSeconds(19),
                Duration.ofSeconds(18)).iterator();

        BatchResult result = launcher.process(List.of(message("m5", pending(1, 5)), message("m6", pending(1, 6)),
                message("m7", pending(1, 7))), remaining::next);

        assertThat(ecs.launches).singleElement().satisfies(l -> assertThat(l.startedBy()).endsWith("/1/5"));
        assertThat(result.failedMessageIds()).containsExactly("m6", "m7");
        assertThat(visibility.delays).containsEntry("receipt-m6", Duration.ofSeconds(1))
                .containsEntry("receipt-m7", Duration.ofSeconds(1));
        assertThat(metrics.sum(DEFERRED_FOR_TIME)).isEqualTo(2);
        assertThat(metrics.sum(LAUNCHED)).isEqualTo(1);
    }
}
