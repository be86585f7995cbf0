package dev.fargatescaler.domain.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.gitlab.JobLookup;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.metrics.MetricUnit;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.webhook.JobQueue;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskReporterTest {

    private final FakeGitLab gitlab = new FakeGitLab();
    private final RecordingQueue queue = new RecordingQueue();
    private final List<TaskReport> reports = new ArrayList<>();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    private final TaskReporter reporter = reporter(2);

    private TaskReporter reporter(int maxAttempts) {
        return new TaskReporter(new Relauncher(gitlab, queue, metrics, maxAttempts, clock), reports::add, metrics,
                new TaskEventMemory(100), PriceTable.DEFAULT,
                new dev.fargatescaler.domain.environment.Environments(java.util.List.of()), "x86_64");
    }

    @Test
    void reportsASuccessfulTaskWithDurationsCostAndMetrics() {
        TaskReporter.Result result = reporter.handle(SampleEvents.reporter("stopped-success"));

        assertThat(result.action()).isEqualTo("reported");
        assertThat(result.reason()).isEqualTo("Succeeded");
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.fields())
                    .containsEntry("environment", "dev")
                    .containsEntry("cluster", "glfs-dev")
                    .containsEntry("task_id", "c13b4cb40f1f4fe4a2971f76ae5a47ad")
                    .containsEntry("project_id", 380L)
                    .containsEntry("job_id", 1977L)
                    .containsEntry("attempt", 0)
                    .containsEntry("outcome", "Succeeded")
                    .containsEntry("exit_code", 0)
                    .containsEntry("stop_code", "EssentialContainerExited")
                    .containsEntry("provisioning_ms", 17_701L)
                    .containsEntry("pull_ms", 3_000L)
                    .containsEntry("start_latency_ms", 23_701L)
                    .containsEntry("run_ms", 362_104L)
                    .containsEntry("billed_s", 381L)
                    .containsEntry("cpu", 1024)
                    .containsEntry("memory_mb", 2048)
                    .containsEntry("architecture", "arm64")
                    .containsEntry("launch", "on-demand")
                    .containsEntry("cost_usd", 0.00418)
                    .containsEntry("task_definition", "glfs-dev-runner:3")
                    .containsEntry("relaunch", "not-needed");
        });
        assertThat(metrics.sum("TasksStopped", "Outcome", "Succeeded")).isEqualTo(1);
        assertThat(metrics.sum("StartLatency", "Environment", "dev")).isEqualTo(23_701);
        assertThat(metrics.sum("ImagePullTime", "Environment", "dev")).isEqualTo(3_000);
        assertThat(metrics.sum("RunTime", "Environment", "dev")).isEqualTo(362.104);
        assertThat(metrics.sum("EstimatedCost", "Environment", "dev")).isEqualTo(0.00418);
        assertThat(metrics.points()).filteredOn(p -> p.name().equals("EstimatedCost"))
                .singleElement().extracting(RecordingMetrics.Point::unit).isEqualTo(MetricUnit.NONE);
        assertThat(metrics.points()).filteredOn(p -> p.name().equals("RunTime"))
                .singleElement().extracting(RecordingMetrics.Point::unit).isEqualTo(MetricUnit.SECONDS);
        assertThat(gitlab.calls).as("no relaunch check for a task that ran").isZero();
    }

    @Test
    void reportsAnIdleTaskAsIdleWithItsCostAndNoRelaunch() {
        TaskReporter.Result result = reporter.handle(SampleEvents.reporter("stopped-idle"));

        assertThat(result.reason()).isEqualTo("Idle");
        assertThat(result.report().fields())
                .containsEntry("outcome", "Idle")
                .containsEntry("reason", "NoJob")
                .containsEntry("exit_code", 79)
                .containsEntry("ran_job", false)
                .containsEntry("relaunch", "not-needed")
                .containsKey("cost_usd");
        assertThat((Double) result.report().fields().get("cost_usd")).as("idle time is billed too").isPositive();
        assertThat(metrics.sum("TasksStopped", "Outcome", "Idle")).isEqualTo(1);
        assertThat(metrics.sum("EstimatedCost", "Environment", "dev")).isPositive();
        assertThat(metrics.sum("RunnerRefused")).isZero();
        assertThat(queue.jobs).isEmpty();
        assertThat(gitlab.calls).isZero();
    }

    @Test
    void reportsARefusedTokenCountsItForTheAlarmAndDoesNotRelaunch() {
        TaskReporter.Result result = reporter.handle(SampleEvents.reporter("stopped-refused"));

        assertThat(result.reason()).isEqualTo("RunnerRefused");
        assertThat(result.report().fields())
                .containsEntry("outcome", "RunnerRefused")
                .containsEntry("reason", "TokenRefused")
                .containsEntry("exit_code", 77)
                .containsEntry("ran_job", false)
                .containsEntry("relaunch", "not-needed")
                .containsKey("cost_usd");
        assertThat(metrics.sum("RunnerRefused", "Environment", "dev")).isEqualTo(1);
        assertThat(metrics.sum("TasksStopped", "Outcome", "RunnerRefused")).isEqualTo(1);
        assertThat(queue.jobs).as("a refused token would refuse the relaunch too: no loop").isEmpty();
        assertThat(gitlab.calls).isZero();
    }

    @Test
    void saysWhetherTheTaskRanAJob() {
        assertThat(reporter.handle(SampleEvents.reporter("stopped-success")).report().fields())
                .containsEntry("ran_job", true);
        assertThat(reporter.handle(SampleEvents.reporter("stopped-cannot-pull")).report().fields())
                .containsEntry("ran_job", false);
        assertThat(reporter.handle(SampleEvents.reporter("stopped-spot-interruption")).report().fields())
                .as("unknown: the runner may or may not have taken a job before Spot took the task")
                .doesNotContainKey("ran_job");
    }

    @Test
    void usesTheEnvironmentsCostHintsWhenTheEventLacksTheTaskSize() {
        TaskReporter withHints = new TaskReporter(new Relauncher(gitlab, queue, metrics, 2, clock), reports::add,
                metrics, new TaskEventMemory(100), PriceTable.DEFAULT,
                dev.fargatescaler.domain.environment.EnvironmentParser.parseArray("""
                        [{"name":"dev","tags":["dev"],"cluster":"glfs-dev","taskDefinition":"runner",
                          "subnets":["subnet-0123456789abcdef0"],"securityGroups":["sg-0123456789abcdef0"],
                          "cost":{"cpu":1024,"memoryMiB":2048,"architecture":"ARM64"}}]""", "test"),
                "x86_64");
        ObjectNode event = SampleEvents.reporter("stopped-success");
        SampleEvents.detail(event).remove("cpu");
        SampleEvents.detail(event).remove("memory");
        SampleEvents.detail(event).remove("attributes");

        TaskReporter.Result result = withHints.handle(event);

        assertThat(result.report().fields()).containsEntry("cpu", 1024).containsEntry("memory_mb", 2048)
                .containsEntry("architecture", "arm64").containsEntry("cost_usd", 0.00418);
    }

    @Test
    void aSizeClassTaskIsReportedPricedAndCountedAtItsOwnSize() {
        TaskReporter.Result result = reporter.handle(SampleEvents.reporter("stopped-size-class"));

        // The event's task-level cpu/memory are the task definition's (1 vCPU, 2 GB) in this sample; the RunTask
        // override (4 vCPU, 16 GB) is what Fargate ran and bills.
        assertThat(result.report().fields())
                .containsEntry("size_class", "large")
                .containsEntry("job_id", 1978L)
                .containsEntry("cpu", 4096)
                .containsEntry("memory_mb", 16384)
                .containsEntry("cost_usd", 0.019736);
        assertThat(metrics.points()).filteredOn(p -> p.name().endsWith("BySizeClass"))
                .extracting(RecordingMetrics.Point::name)
                .containsExactlyInAnyOrder("TasksStoppedBySizeClass", "RunTimeBySizeClass", "EstimatedCostBySizeClass");
        assertThat(metrics.points()).filteredOn(p -> p.name().endsWith("BySizeClass"))
                .allSatisfy(p -> assertThat(p.dimensions()).isEqualTo(Map.of("Environment", "dev", "SizeClass",
                        "large")));
        // The environment's metrics keep their dimensions and count the task once.
        assertThat(metrics.sum("TasksStopped", "Environment", "dev")).isEqualTo(1);
        assertThat(metrics.sum("EstimatedCost", "Environment", "dev")).isEqualTo(0.019736);
    }

    @Test
    void aTaskWithoutSizeClassIsReportedAsTheDefaultSize() {
        reporter.handle(SampleEvents.reporter("stopped-success"));

        assertThat(reports).singleElement().satisfies(r -> assertThat(r.fields()).containsEntry("size_class",
                "default"));
        assertThat(metrics.sum("TasksStoppedBySizeClass", "SizeClass", "default")).isEqualTo(1);
    }

    @Test
    void ignoresForeignTasksWithoutReportOrMetricsBeyondTheIgnoredCount() {
        assertThat(reporter.handle(SampleEvents.reporter("foreign-stopped")).reason()).isEqualTo("Foreign");
        assertThat(reporter.handle(SampleEvents.awsDocsRunning()).reason()).isEqualTo("Foreign");

        assertThat(reports).isEmpty();
        assertThat(metrics.sum("TasksStopped")).isZero();
        assertThat(metrics.sum("TaskEventsIgnored", "Reason", "Foreign")).isEqualTo(2);
    }

    @Test
    void aTaskWithOnlyOurGroupIsReportedWithoutJob() {
        ObjectNode event = SampleEvents.reporter("stopped-cannot-pull");
        SampleEvents.detail(event).put("startedBy", "someone-else");

        TaskReporter.Result result = reporter.handle(event);

        assertThat(result.report().environment()).isEqualTo("dev");
        assertThat(result.report().jobId()).isNull();
        assertThat(result.report().relaunch().kind()).isEqualTo(RelaunchDecision.Kind.NO_JOB);
        assertThat(queue.jobs).isEmpty();
    }

    @Test
    void duplicateDeliveriesAreReportedOnce() {
        reporter.handle(SampleEvents.reporter("stopped-success"));
        TaskReporter.Result again = reporter.handle(SampleEvents.reporter("stopped-success"));

        assertThat(again.action()).isEqualTo("ignored");
        assertThat(again.reason()).isEqualTo("Duplicate");
        assertThat(reports).hasSize(1);
        assertThat(metrics.sum("TasksStopped")).isEqualTo(1);
        assertThat(metrics.sum("TaskEventsIgnored", "Reason", "Duplicate")).isEqualTo(1);
    }

    @Test
    void outOfOrderEventsAfterTheStopChangeNothingAndALaterStoppedVersionIsNotReportedAgain() {
        reporter.handle(SampleEvents.reporter("stopped-success"));
        TaskReporter.Result lateRunning = reporter.handle(SampleEvents.reporter("running"));
        TaskReporter.Result lateDeprovisioning = reporter.handle(SampleEvents.reporter("deprovisioning"));
        ObjectNode laterStopped = SampleEvents.reporter("stopped-success");
        SampleEvents.detail(laterStopped).put("version", 8);
        TaskReporter.Result second = reporter.handle(laterStopped);

        assertThat(lateRunning.action()).isEqualTo("observed");
        assertThat(lateDeprovisioning.action()).isEqualTo("observed");
        assertThat(second.reason()).isEqualTo("AlreadyReported");
        assertThat(reports).hasSize(1);
        assertThat(metrics.sum("TasksStopped")).isEqualTo(1);
    }

    @Test
    void deprovisioningWithAStopCodeIsNotYetAReport() {
        TaskReporter.Result result = reporter.handle(SampleEvents.reporter("deprovisioning"));
        TaskReporter.Result stopped = reporter.handle(SampleEvents.reporter("stopped-success"));

        assertThat(result.action()).isEqualTo("observed");
        assertThat(result.reason()).isEqualTo("DEPROVISIONING");
        assertThat(stopped.action()).isEqualTo("reported");
        assertThat(reports).hasSize(1);
    }

    @Test
    void relaunchesAJobWhoseTaskCouldNotPullItsImage() {
        gitlab.jobs.put(1979L, job(1979, "pending"));

        TaskReporter.Result result = reporter.handle(SampleEvents.reporter("stopped-cannot-pull"));

        assertThat(result.reason()).isEqualTo("FailedToStart");
        assertThat(queue.jobs).singleElement().satisfies(job -> {
            assertThat(job.projectId()).isEqualTo(380);
            assertThat(job.jobId()).isEqualTo(1979);
            assertThat(job.attempt()).isEqualTo(1);
            assertThat(job.source()).isEqualTo(PendingJob.SOURCE_RELAUNCH);
            assertThat(job.ref()).isEqualTo("main");
            assertThat(job.dedupKey()).isEqualTo("380:1979:relaunch:1");
            assertThat(job.receivedAt()).as("the task's creation when no hint says better")
                    .isEqualTo(Instant.parse("2020-01-23T17:57:34.402Z"));
        });
        assertThat(result.report().fields()).containsEntry("relaunch", "queued")
                .containsEntry("relaunch_attempt", 1)
                .containsEntry("reason", "CannotPullContainerError")
                .containsEntry("cost_usd", 0.000658);
        assertThat(metrics.sum("RelaunchQueued", "Environment", "dev")).isEqualTo(1);
        assertThat(metrics.sum("TaskStartFailures", "Reason", "CannotPullContainerError")).isEqualTo(1);
    }

    @Test
    void relaunchesAfterASpotInterruptionBeforeTheRunnerTookTheJob() {
        gitlab.jobs.put(1981L, job(1981, "pending"));

        TaskReporter.Result result = reporter.handle(SampleEvents.reporter("stopped-termination-notice"));

        assertThat(result.reason()).isEqualTo("SpotInterrupted");
        assertThat(queue.jobs).singleElement().extracting(PendingJob::attempt).isEqualTo(2);
        assertThat(metrics.sum("SpotInterruptions", "Environment", "dev")).isEqualTo(1);
        assertThat(result.report().fields()).containsEntry("launch", "spot").containsEntry("attempt", 1);
    }

    @Test
    void doesNotRelaunchWhenTheRunnerHadTakenTheJob() {
        gitlab.jobs.put(1980L, job(1980, "running"));

        TaskReporter.Result result = reporter.handle(SampleEvents.reporter("stopped-spot-interruption"));

        assertThat(result.report().relaunch().kind()).isEqualTo(RelaunchDecision.Kind.JOB_NOT_PENDING);
        assertThat(queue.jobs).isEmpty();
        assertThat(gitlab.calls).isEqualTo(1);
    }

    @Test
    void doesNotRelaunchAJobGitLabNoLongerKnows() {
        TaskReporter.Result result = reporter.handle(SampleEvents.reporter("stopped-cannot-pull"));

        assertThat(result.report().relaunch().kind()).isEqualTo(RelaunchDecision.Kind.JOB_NOT_FOUND);
        assertThat(queue.jobs).isEmpty();
    }

    @Test
    void aJobTheTokenCannotSeeIsQueuedUnverifiedSoThatItIsNeverDroppedSilently() {
        gitlab.notVisible = new JobLookup.NotVisible(404, "404 Project Not Found");

        TaskReporter.Result result = reporter.handle(SampleEvents.reporter("stopped-cannot-pull"));

        // The scaler asks GitLab again; with the same answer it keeps the job toward the dead-letter queue.
        assertThat(result.report().relaunch().kind()).isEqualTo(RelaunchDecision.Kind.QUEUED_UNVERIFIED);
        assertThat(result.report().relaunch().detail()).contains("not visible with this token");
        assertThat(queue.jobs).singleElement().extracting(PendingJob::attempt).isEqualTo(1);
        assertThat(metrics.sum("JobNotVisible")).isEqualTo(1);
    }

    @Test
    void givesUpAfterTheLastAttemptWithAMetric() {
        gitlab.jobs.put(88001L, job(88001, "pending"));

        // attempt 1 failed; with at most 1 relaunch there is no attempt 2
        TaskReporter.Result result = reporter(1).handle(SampleEvents.reporter("stopped-resource-initialization"));

        assertThat(result.report().relaunch().kind()).isEqualTo(RelaunchDecision.Kind.GAVE_UP);
        assertThat(result.report().fields()).containsEntry("relaunch", "gave-up")
                .containsEntry("environment", "production").containsEntry("cost_usd", 0.0);
        assertThat(queue.jobs).isEmpty();
        assertThat(metrics.sum("RelaunchGaveUp", "Environment", "production")).isEqualTo(1);
    }

    @Test
    void queuesUnverifiedWhenGitLabCannotBeAsked() {
        gitlab.failure = new RetryableException("GitLabRateLimited", "429 from GitLab");

        TaskReporter.Result result = reporter.handle(SampleEvents.reporter("stopped-cannot-pull"));

        assertThat(result.report().relaunch().kind()).isEqualTo(RelaunchDecision.Kind.QUEUED_UNVERIFIED);
        assertThat(queue.jobs).hasSize(1);
        assertThat(metrics.sum("RelaunchCheckFailed")).isEqualTo(1);

        gitlab.failure = new ConfigurationException("GitLabUnauthorized", "401");
        ObjectNode other = SampleEvents.reporter("stopped-cannot-pull");
        SampleEvents.detail(other).put("taskArn", "arn:aws:ecs:us-east-1:123456789012:task/glfs-dev/other");
        assertThat(reporter.handle(other).report().relaunch().kind())
                .isEqualTo(RelaunchDecision.Kind.QUEUED_UNVERIFIED);
        assertThat(queue.jobs).hasSize(2);
    }

    @Test
    void aQueueFailurePropagatesWithoutReportAndTheRetryIsHandledInFull() {
        gitlab.jobs.put(1979L, job(1979, "pending"));
        queue.failure = new RetryableException("AwsUnreachable", "SQS down");

        assertThatThrownBy(() -> reporter.handle(SampleEvents.reporter("stopped-cannot-pull")))
                .isInstanceOf(RetryableException.class);
        assertThat(reports).isEmpty();
        assertThat(metrics.sum("TasksStopped")).isZero();

        queue.failure = null;
        TaskReporter.Result retry = reporter.handle(SampleEvents.reporter("stopped-cannot-pull"));

        assertThat(retry.action()).isEqualTo("reported");
        assertThat(queue.jobs).hasSize(1);
        assertThat(reports).hasSize(1);
    }

    @Test
    void reaperStopsAreNotRelaunchedUnlessTheTaskWasStuck() {
        TaskReporter.Result overLifetime = reporter.handle(SampleEvents.reporter("stopped-reaped"));

        assertThat(overLifetime.reason()).isEqualTo("Reaped");
        assertThat(overLifetime.report().relaunch().kind()).isEqualTo(RelaunchDecision.Kind.NOT_NEEDED);
        assertThat(gitlab.calls).isZero();
        assertThat(metrics.sum("TasksStopped", "Outcome", "Reaped")).isEqualTo(1);
    }

    @Test
    void ignoresEventsOfOtherKinds() throws Exception {
        TaskReporter.Result result = reporter.handle(dev.fargatescaler.domain.json.Json.MAPPER.readTree(
                "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\"}"));

        assertThat(result.action()).isEqualTo("ignored");
        assertThat(metrics.sum("TaskEventsIgnored", "Reason", "NotTaskStateChange")).isEqualTo(1);
    }

    @Test
    void everySampleEventIsHandledAndTheReportFieldSetIsStable() {
        gitlab.jobs.put(1979L, job(1979, "pending"));
        for (String name : List.of("running", "deprovisioning", "stopped-success", "stopped-exit-nonzero",
                "stopped-cannot-pull", "stopped-resource-initialization", "stopped-spot-interruption",
                "stopped-termination-notice", "stopped-reaped", "foreign-stopped", "stopped-idle",
                "stopped-refused", "stopped-size-class")) {
            reporter.handle(SampleEvents.reporter(name));
        }

        assertThat(reports).extracting(r -> r.classification().outcome()).containsExactly(
                TaskOutcome.SUCCEEDED, TaskOutcome.RUNNER_FAILED, TaskOutcome.FAILED_TO_START,
                TaskOutcome.FAILED_TO_START, TaskOutcome.SPOT_INTERRUPTED, TaskOutcome.SPOT_INTERRUPTED,
                TaskOutcome.REAPED, TaskOutcome.IDLE, TaskOutcome.RUNNER_REFUSED, TaskOutcome.SUCCEEDED);
        assertThat(reports.get(0).fields().keySet()).containsExactly("environment", "cluster", "task_id",
                "project_id", "job_id", "attempt", "size_class", "task_kind", "outcome", "reason", "ran_job", "stop_code", "stopped_reason",
                "exit_code",
                "provisioning_ms", "pull_ms", "start_latency_ms", "run_ms", "billed_s", "cpu", "memory_mb",
                "architecture", "launch", "cost_usd", "platform_version", "availability_zone", "task_definition",
                "created_at", "started_at", "stopped_at", "relaunch");
    }

    private static GitLabJob job(long id, String status) {
        return new GitLabJob(id, 380, status, List.of("dev"), "main", "test", 2366L);
    }

    static final class FakeGitLab implements GitLabApi {
        final Map<Long, GitLabJob> jobs = new HashMap<>();
        RuntimeException failure;
        /** When set, GitLab will not show any job to this token (and job() is empty, as a 404 always was). */
        JobLookup.NotVisible notVisible;
        int calls;

        @Override
        public Optional<GitLabJob> job(long projectId, long jobId) {
            calls++;
            if (failure != null) {
                throw failure;
            }
            return notVisible != null ? Optional.empty() : Optional.ofNullable(jobs.get(jobId));
        }

        @Override
        public JobLookup lookup(long projectId, long jobId) {
            Optional<GitLabJob> job = job(projectId, jobId);
            if (notVisible != null) {
                return notVisible;
            }
            return job.<JobLookup>map(JobLookup.Found::new).orElseGet(() -> new JobLookup.Gone("404 Not found"));
        }

        @Override
        public Page pendingJobs(long projectId, String cursor) {
            throw new UnsupportedOperationException("the reporter never lists jobs");
        }
    }

    static final class RecordingQueue implements JobQueue {
        final List<PendingJob> jobs = new ArrayList<>();
        RuntimeException failure;

        @Override
        public void enqueue(PendingJob job) {
            if (failure != null) {
                throw failure;
            }
            jobs.add(job);
        }
    }
}
