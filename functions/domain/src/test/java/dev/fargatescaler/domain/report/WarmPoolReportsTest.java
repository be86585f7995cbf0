package dev.fargatescaler.domain.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.task.TaskNaming;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Warm-pool tasks in reports and metrics: labelled as pool capacity, their whole billed time (idle wait included)
 * costed, and every task that ran a job counted as warm (a pool task) or fresh (a task started for its job).
 */
class WarmPoolReportsTest {

    private final List<TaskReport> reports = new ArrayList<>();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    private final TaskReporterTest.FakeGitLab gitlab = new TaskReporterTest.FakeGitLab();
    private final TaskReporterTest.RecordingQueue queue = new TaskReporterTest.RecordingQueue();
    private final TaskReporter reporter = new TaskReporter(new Relauncher(gitlab, queue, metrics, 2, clock),
            reports::add, metrics, new TaskEventMemory(100), PriceTable.DEFAULT, new Environments(List.of()),
            "x86_64");

    static ObjectNode asPoolTask(ObjectNode event) {
        ObjectNode detail = SampleEvents.detail(event);
        detail.put("startedBy", TaskNaming.poolStartedBy("dev", 29_000_000L, 1));
        // Another task than the sample's job task (the reporter reports each task once).
        detail.put("taskArn", detail.get("taskArn").asText().replaceAll(".$", "0") + "pool");
        return event;
    }

    @Test
    void anIdlePoolTaskIsReportedAsPoolCapacityWithItsIdleTimeCosted() {
        TaskReporter.Result result = reporter.handle(asPoolTask(SampleEvents.reporter("stopped-idle")));

        assertThat(result.reason()).isEqualTo("Idle");
        TaskReport report = reports.get(0);
        assertThat(report.fields()).containsEntry("environment", "dev").containsEntry("task_kind", "warm-pool")
                .doesNotContainKey("job_id").containsEntry("relaunch", "not-needed");
        // Fargate bills from the image pull to the stop: the idle wait is in it.
        Duration billed = report.cost().billed();
        assertThat(billed).isEqualTo(TaskDurations.billed(report.task()));
        assertThat(billed).isGreaterThanOrEqualTo(Duration.between(report.task().startedAt(),
                report.task().stoppedAt()));
        assertThat(metrics.sum("WarmPoolCost", "Environment", "dev")).isEqualTo(report.cost().usd()).isPositive();
        assertThat(metrics.sum("JobsStarted")).as("an idle task ran no job").isZero();
    }

    @Test
    void aPoolTaskThatRanAJobCountsAsWarmAndAJobTaskAsFresh() {
        reporter.handle(asPoolTask(SampleEvents.reporter("stopped-success")));
        reporter.handle(SampleEvents.reporter("stopped-success"));

        assertThat(metrics.points()).filteredOn(p -> p.name().equals("JobsStarted"))
                .extracting(RecordingMetrics.Point::dimensions)
                .containsExactlyInAnyOrder(Map.of("Environment", "dev", "Runner", "Warm"),
                        Map.of("Environment", "dev", "Runner", "Fresh"));
        assertThat(reports).extracting(r -> r.fields().get("task_kind")).containsExactly("warm-pool", "job");
    }

    @Test
    void aJobTaskReportIsLabelledJobAndNoPoolCostIsRecorded() {
        reporter.handle(SampleEvents.reporter("stopped-idle"));

        assertThat(reports.get(0).fields()).containsEntry("task_kind", "job");
        assertThat(metrics.sum("WarmPoolCost")).isZero();
    }
}
