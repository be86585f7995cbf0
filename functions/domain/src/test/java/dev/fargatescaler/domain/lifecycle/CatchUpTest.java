package dev.fargatescaler.domain.lifecycle;

import static dev.fargatescaler.domain.lifecycle.LifecycleFixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.gitlab.ProjectNotVisibleException;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.routing.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatchUpTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private final LifecycleFixtures.FakeGitLab gitlab = new LifecycleFixtures.FakeGitLab();
    private final LifecycleFixtures.Queue queue = new LifecycleFixtures.Queue();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final Reaper.Result nothingRuns = new Reaper.Result(0, 0, Set.of(), Map.of(), Set.of());

    private CatchUp catchUp(Instant now) {
        return new CatchUp(gitlab, queue, new Router(LifecycleFixtures.environments()), metrics,
                Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void queuesPendingJobsWithoutATaskAcrossPages() {
        gitlab.pending.put(7L, List.of(job(7, 1, "dev"), job(7, 2, "staging"), job(7, 3), job(7, 4, "gpu"),
                job(7, 5, "production")));
        Reaper.Result tasks = new Reaper.Result(1, 0, Set.of("glfs/staging/7/2"), Map.of("staging", 1), Set.of());

        CatchUp.Result result = catchUp(NOW).run(List.of(7L), tasks, new CatchUp.Limits(10, 100), Budget.UNLIMITED);

        assertThat(queue.jobs).extracting(PendingJob::jobId).containsExactly(1L, 3L, 5L);
        assertThat(queue.jobs).allSatisfy(j -> {
            assertThat(j.source()).isEqualTo(PendingJob.SOURCE_CATCH_UP);
            assertThat(j.attempt()).isZero();
            assertThat(j.projectPath()).isEqualTo("group/p7");
            assertThat(j.receivedAt()).isEqualTo(NOW);
            assertThat(j.dedupKey()).isEqualTo("7:" + j.jobId() + ":catch-up");
        });
        assertThat(result.pages()).isEqualTo(3);
        assertThat(result.pendingSeen()).isEqualTo(5);
        assertThat(result.alreadyRunning()).isEqualTo(1);
        assertThat(result.skipped()).as("the gpu job routes nowhere").isEqualTo(1);
        assertThat(result.stoppedBy()).isNull();
        assertThat(gitlab.calls).containsExactly("7@null", "7@2", "7@4");
        assertThat(metrics.sum("CatchUpQueued", "Environment", "dev")).isEqualTo(2);
        assertThat(metrics.sum("CatchUpSkipped", "Reason", "Unroutable")).isEqualTo(1);
    }

    @Test
    void aRateLimitEndsTheRunAndTheNextRunStartsAgain() {
        gitlab.pending.put(7L, List.of(job(7, 1, "dev")));
        gitlab.failures.put(8L, new RetryableException("GitLabRateLimited", "429", Duration.ofSeconds(30), null));
        gitlab.pending.put(9L, List.of(job(9, 2, "dev")));

        CatchUp.Result result = catchUp(NOW).run(List.of(7L, 8L, 9L), nothingRuns, new CatchUp.Limits(10, 100),
                Budget.UNLIMITED);

        assertThat(result.stoppedBy()).isEqualTo("GitLabRateLimited");
        assertThat(queue.jobs).extracting(PendingJob::jobId).containsExactly(1L);
        assertThat(gitlab.calls).as("nothing after the 429").containsExactly("7@null", "8@null");
        assertThat(metrics.sum("CatchUpInterrupted", "Reason", "GitLabRateLimited")).isEqualTo(1);
    }

    @Test
    void aRefusedTokenEndsTheRunButAProjectErrorOnlySkipsTheProject() {
        gitlab.failures.put(7L, new PermanentException("GitLab400", "400"));
        gitlab.pending.put(8L, List.of(job(8, 1, "dev")));
        CatchUp.Result skipped = catchUp(NOW).run(List.of(7L, 8L), nothingRuns, new CatchUp.Limits(10, 100),
                Budget.UNLIMITED);
        assertThat(skipped.stoppedBy()).isNull();
        assertThat(queue.jobs).hasSize(1);

        gitlab.failures.put(7L, new ConfigurationException("GitLabAuth", "401"));
        CatchUp.Result refused = catchUp(NOW).run(List.of(7L, 8L), nothingRuns, new CatchUp.Limits(10, 100),
                Budget.UNLIMITED);
        assertThat(refused.stoppedBy()).isEqualTo("GitLabAuth");
        assertThat(queue.jobs).hasSize(1);
    }

    @Test
    void boundedByPagesJobsAndTime() {
        gitlab.pending.put(7L, List.of(job(7, 1, "production"), job(7, 2, "production"), job(7, 3, "production"),
                job(7, 4, "production"), job(7, 5, "production")));
        gitlab.pending.put(8L, List.of(job(8, 6, "production"), job(8, 7, "production"), job(8, 8, "production")));

        CatchUp.Result byPages = catchUp(NOW).run(List.of(8L, 7L), nothingRuns, new CatchUp.Limits(2, 100),
                Budget.UNLIMITED);
        assertThat(byPages.stoppedBy()).isEqualTo("MaxPages");
        assertThat(byPages.pages()).isEqualTo(2);
        assertThat(queue.jobs).hasSize(3);

        queue.jobs.clear();
        CatchUp.Result byJobs = catchUp(NOW).run(List.of(7L), nothingRuns, new CatchUp.Limits(10, 3),
                Budget.UNLIMITED);
        assertThat(byJobs.stoppedBy()).isEqualTo("MaxJobs");
        assertThat(queue.jobs).hasSize(3);

        queue.jobs.clear();
        CatchUp.Result byTime = catchUp(NOW).run(List.of(7L), nothingRuns, new CatchUp.Limits(10, 100), () -> true);
        assertThat(byTime.stoppedBy()).isEqualTo("TimeBudget");
        assertThat(queue.jobs).isEmpty();
    }

    @Test
    void respectsTheEnvironmentsTaskLimitAndSkipsEnvironmentsThatCouldNotBeListed() {
        // dev allows 3 tasks; 2 run already
        gitlab.pending.put(7L, List.of(job(7, 1, "dev"), job(7, 2, "dev"), job(7, 3, "dev"), job(7, 4, "staging")));
        Reaper.Result tasks = new Reaper.Result(2, 0, Set.of("glfs/dev/7/90", "glfs/dev/7/91"), Map.of("dev", 2),
                Set.of("staging"));

        CatchUp.Result result = catchUp(NOW).run(List.of(7L), tasks, new CatchUp.Limits(10, 100), Budget.UNLIMITED);

        assertThat(queue.jobs).extracting(PendingJob::jobId).containsExactly(1L);
        assertThat(metrics.sum("CatchUpSkipped", "Reason", "AtCapacity")).isEqualTo(2);
        assertThat(metrics.sum("CatchUpSkipped", "Reason", "TasksUnknown")).isEqualTo(1);
        assertThat(result.skipped()).isEqualTo(3);
    }

    @Test
    void aQueueOutageEndsTheRun() {
        gitlab.pending.put(7L, List.of(job(7, 1, "dev"), job(7, 2, "dev")));
        queue.failure = new RetryableException("AwsUnreachable", "SQS down");

        CatchUp.Result result = catchUp(NOW).run(List.of(7L), nothingRuns, new CatchUp.Limits(10, 100),
                Budget.UNLIMITED);

        assertThat(result.stoppedBy()).isEqualTo("QueueUnavailable");
        assertThat(result.queued()).isZero();
    }

    @Test
    void projectsAreReportedSweptOnlyWhenWalkedToTheirEndOrTheirPageLimit() {
        gitlab.pending.put(7L, List.of(job(7, 1), job(7, 2), job(7, 3)));
        gitlab.failures.put(8L, new ProjectNotVisibleException(8, 404, "404 Project Not Found"));
        gitlab.pending.put(9L, List.of(job(9, 4), job(9, 5), job(9, 6), job(9, 7), job(9, 8)));
        gitlab.pending.put(10L, List.of(job(10, 9)));
        List<Long> swept = new ArrayList<>();

        CatchUp.Result result = catchUp(NOW).run(List.of(7L, 8L, 9L, 10L), nothingRuns, new CatchUp.Limits(4, 100, 2),
                Budget.UNLIMITED, swept::add);

        // 7: two pages, to its end; 8: not visible (skipped, counted); 9: its limit of 2 pages; 10: no page left.
        assertThat(swept).containsExactly(7L, 8L, 9L);
        assertThat(result.stoppedBy()).isEqualTo("MaxPages");
        assertThat(result.notVisible()).isEqualTo(1);
        assertThat(metrics.sum("JobNotVisible")).isEqualTo(1);
        assertThat(metrics.sum("CatchUpInterrupted", "Reason", "MaxPagesPerProject")).isEqualTo(1);
        assertThat(gitlab.calls).containsExactly("7@null", "7@2", "8@null", "9@null", "9@2");
    }

    @Test
    void guardsSeeOnlyWhatGitLabsListingSays() {
        // prod-guarded takes only ref main of platform/*; these listings lack the ref, or the project path.
        Router guarded = new Router(dev.fargatescaler.domain.environment.EnvironmentParser.parseArray("""
                [{"name":"prod-guarded","tags":["production"],"cluster":"glfs-production",
                  "taskDefinition":"runner-production","subnets":["subnet-0123456789abcdef1"],
                  "securityGroups":["sg-0123456789abcdef1"],
                  "guards":{"projectPaths":["platform/*"],"refPattern":"main"}}]""", "test"));
        gitlab.pending.put(7L, List.of(
                new GitLabJob(1, 7, "pending", List.of("production"), null, "no-ref", 1L, "platform/app"),
                new GitLabJob(2, 7, "pending", List.of("production"), "main", "no-path", 1L, null),
                new GitLabJob(3, 7, "pending", List.of("production"), "main", "both", 1L, "platform/app")));
        gitlab.perPage = 10;

        CatchUp.Result result = new CatchUp(gitlab, queue, guarded, metrics, Clock.fixed(NOW, ZoneOffset.UTC))
                .run(List.of(7L), nothingRuns, new CatchUp.Limits(10, 100), Budget.UNLIMITED);

        assertThat(queue.jobs).extracting(PendingJob::jobId).containsExactly(3L);
        assertThat(result.skipped()).isEqualTo(2);
    }
}
