package dev.fargatescaler.domain.launch;

import static dev.fargatescaler.domain.launch.ScalerMetrics.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.EnvironmentsSource;
import dev.fargatescaler.domain.environment.MutableClock;
import dev.fargatescaler.domain.environment.RefreshingEnvironments;
import dev.fargatescaler.domain.environment.TestEnvironments;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A job must never be dropped because of a stale list of environments: unroutable under a list older than the
 * job (or past its TTL), the scaler reloads and routes again; if it cannot reload, it defers the job. Only a
 * fresh list may acknowledge a job as unroutable. With no environment at all, every job waits.
 */
class JobLauncherEnvironmentsTest {

    private static final Instant INIT = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock(INIT);
    private final Fakes.GitLab gitLab = new Fakes.GitLab();
    private final Fakes.Ecs ecs = new Fakes.Ecs();
    private final Fakes.Visibility visibility = new Fakes.Visibility();
    private final Fakes.Queue queue = new Fakes.Queue();
    private final RecordingMetrics metrics = new RecordingMetrics();
    /** What the store holds now; a null means the store fails. */
    private final AtomicReference<Environments> store = new AtomicReference<>();
    private final AtomicInteger loads = new AtomicInteger();
    private final EnvironmentsSource source = () -> {
        loads.incrementAndGet();
        Environments now = store.get();
        if (now == null) {
            throw new RetryableException("AwsServerError", "GetParametersByPath failed: HTTP 500");
        }
        return now;
    };

    private static Environments named(String... names) {
        return new Environments(java.util.Arrays.stream(names)
                .map(n -> TestEnvironments.environment(n, Set.of(n))).toList());
    }

    private JobLauncher launcher() {
        return new JobLauncher(new RefreshingEnvironments(source, TTL, clock, metrics), gitLab, ecs, visibility,
                queue, metrics, clock, new Backoff(new SplittableRandom(3)), 6);
    }

    private QueueMessage queuedNow(long jobId) {
        PendingJob job = new PendingJob(7, "group/app", jobId, "test", "test", "main", 99L, "abc", 0,
                "https://gitlab.example.com", null, clock.instant(), "7:" + jobId + ":pending", 0,
                PendingJob.SOURCE_WEBHOOK);
        return new QueueMessage("m" + jobId, "receipt-" + jobId, PendingJobCodec.toJson(job), 1);
    }

    @Test
    void aJobForAnEnvironmentAddedAfterTheListWasLoadedIsRoutedAfterAReload() {
        store.set(named("dev"));
        JobLauncher launcher = launcher();
        store.set(named("dev", "staging"));
        clock.advance(Duration.ofSeconds(5));
        gitLab.pending(7, 1, "main", "staging");

        BatchResult result = launcher.process(List.of(queuedNow(1)));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(ecs.launches).singleElement()
                .satisfies(l -> assertThat(l.environment().name()).isEqualTo("staging"));
        assertThat(metrics.sum(UNROUTABLE)).isZero();
        assertThat(loads).hasValue(2);
    }

    @Test
    void unroutableUnderAListThatCannotBeReloadedIsDeferredNotDropped() {
        store.set(named("dev"));
        JobLauncher launcher = launcher();
        store.set(null);
        clock.advance(Duration.ofSeconds(5));
        gitLab.pending(7, 1, "main", "staging");

        BatchResult result = launcher.process(List.of(queuedNow(1)));

        assertThat(result.failedMessageIds()).containsExactly("m1");
        assertThat(visibility.delays).containsKey("receipt-1");
        assertThat(ecs.launches).isEmpty();
        assertThat(metrics.sum(UNROUTABLE)).isZero();
        assertThat(metrics.points()).anySatisfy(p -> {
            assertThat(p.name()).isEqualTo(DEFERRED_FOR_ENVIRONMENTS);
            assertThat(p.dimensions()).isEqualTo(Map.of(ENVIRONMENT, NO_ENVIRONMENT, REASON, "StaleEnvironments"));
        });
    }

    @Test
    void unroutableUnderAFreshListIsAcknowledgedWithoutAReload() {
        clock.advance(Duration.ofSeconds(-5));
        QueueMessage queuedBeforeTheLoad = queuedNow(1);
        clock.advance(Duration.ofSeconds(5));
        store.set(named("dev"));
        JobLauncher launcher = launcher();
        gitLab.pending(7, 1, "main", "staging");

        BatchResult result = launcher.process(List.of(queuedBeforeTheLoad));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(metrics.sum(UNROUTABLE, ENVIRONMENT, NO_ENVIRONMENT)).isEqualTo(1);
        assertThat(loads).hasValue(1);
    }

    @Test
    void aListPastItsTtlIsReloadedBeforeAJobIsCalledUnroutable() {
        clock.advance(Duration.ofSeconds(-5));
        QueueMessage queuedBeforeTheLoad = queuedNow(1);
        clock.advance(Duration.ofSeconds(5));
        store.set(named("dev"));
        JobLauncher launcher = launcher();
        // The reload fails: past its TTL the list is stale for every job, so the job waits.
        store.set(null);
        clock.advance(TTL.plusSeconds(1));
        gitLab.pending(7, 1, "main", "staging");

        BatchResult result = launcher.process(List.of(queuedBeforeTheLoad));

        assertThat(result.failedMessageIds()).containsExactly("m1");
        assertThat(metrics.sum(UNROUTABLE)).isZero();
        assertThat(metrics.sum(DEFERRED_FOR_ENVIRONMENTS)).isEqualTo(1);
    }

    @Test
    void withNoEnvironmentYetEveryJobWaitsAndTheCountIsRecorded() {
        store.set(named());
        JobLauncher launcher = launcher();
        gitLab.pending(7, 1, "main", "dev");
        gitLab.pending(7, 2, "main");

        BatchResult result = launcher.process(List.of(queuedNow(1), queuedNow(2)));

        assertThat(result.failedMessageIds()).containsExactly("m1", "m2");
        assertThat(ecs.launches).isEmpty();
        assertThat(metrics.sum(DEFERRED_FOR_ENVIRONMENTS, REASON, "NoEnvironments")).isEqualTo(2);
        assertThat(metrics.points()).anySatisfy(p -> {
            assertThat(p.name()).isEqualTo(ENVIRONMENTS_CONFIGURED);
            assertThat(p.value()).isZero();
        });
    }

    @Test
    void aJobWaitingForAnEnvironmentIsQueuedAfreshBeforeTheDeadLetterQueue() {
        store.set(named());
        JobLauncher launcher = launcher();
        gitLab.pending(7, 1, "main", "dev");
        QueueMessage first = queuedNow(1);
        QueueMessage sixthReceive = new QueueMessage(first.messageId(), first.receiptHandle(), first.body(), 6);

        BatchResult result = launcher.process(List.of(sixthReceive));

        assertThat(result.failedMessageIds()).isEmpty();
        assertThat(queue.queued).singleElement().satisfies(j -> assertThat(j.jobId()).isEqualTo(1));
    }

    @Test
    void environmentsThatCouldNeverBeReadMakeJobsRetryNotDisappear() {
        store.set(null);
        JobLauncher launcher = launcher();
        gitLab.pending(7, 1, "main", "dev");

        BatchResult result = launcher.process(List.of(queuedNow(1)));

        assertThat(result.failedMessageIds()).containsExactly("m1");
        assertThat(metrics.sum(RETRYABLE_ERROR, REASON, "AwsServerError")).isEqualTo(1);
    }
}
