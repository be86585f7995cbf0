package dev.fargatescaler.domain.lifecycle;

import static dev.fargatescaler.domain.lifecycle.LifecycleFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.report.OutcomeClassifier;
import dev.fargatescaler.domain.report.TaskOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReaperTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private final LifecycleFixtures.FakeClusters ecs = new LifecycleFixtures.FakeClusters();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final Reaper reaper = new Reaper(ecs, metrics, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void stopsTasksOverTheirEnvironmentsLifetimeAndStuckOnes() {
        // dev: lifetime 1 h, stuck 10 min; staging: lifetime 2 h, stuck 5 min (same cluster)
        ecs.add("glfs-shared", task("old-dev", "glfs/dev/1/10", "RUNNING", ago(61), ago(60)));
        ecs.add("glfs-shared", task("young-dev", "glfs/dev/1/11", "RUNNING", ago(59), ago(58)));
        ecs.add("glfs-shared", task("90min-staging", "glfs/staging/1/12", "RUNNING", ago(90), ago(89)));
        ecs.add("glfs-shared", task("stuck-staging", "glfs/staging/1/13", "PROVISIONING", ago(6), null));
        ecs.add("glfs-shared", task("pending-dev", "glfs/dev/1/14", "PENDING", ago(6), null));
        ecs.add("glfs-shared", task("stopping-dev", "glfs/dev/1/15", "DEACTIVATING", ago(600), ago(599)));

        Reaper.Result result = reaper.sweep(LifecycleFixtures.environments(), Budget.UNLIMITED);

        assertThat(ecs.stopped).containsOnlyKeys(arn("old-dev"), arn("stuck-staging"));
        assertThat(ecs.stopped.get(arn("old-dev"))).startsWith("glfs-reaper: running for 3660s");
        assertThat(ecs.stopped.get(arn("stuck-staging"))).startsWith("glfs-reaper: still PROVISIONING after 360s");
        assertThat(result.reaped()).isEqualTo(2);
        assertThat(result.tasksSeen()).isEqualTo(6);
        assertThat(result.startedBy()).containsExactlyInAnyOrder("glfs/dev/1/11", "glfs/staging/1/12",
                "glfs/dev/1/14", "glfs/dev/1/15");
        assertThat(result.active("dev")).isEqualTo(3);
        assertThat(result.active("staging")).isEqualTo(1);
        assertThat(ecs.listed).as("a shared cluster is listed once").containsExactly("glfs-shared",
                "glfs-production");
        assertThat(metrics.sum("TasksReaped", "Reason", "OverLifetime")).isEqualTo(1);
        assertThat(metrics.sum("TasksReaped", "Reason", "StuckBeforeRunning")).isEqualTo(1);
    }

    @Test
    void theReporterRecognisesBothReasons() {
        Environment dev = LifecycleFixtures.environments().named("dev").orElseThrow();
        String lifetime = Reaper.decide(task("a", "glfs/dev/1/2", "RUNNING", ago(70), ago(69)), dev, NOW)
                .orElseThrow();
        String stuck = Reaper.decide(task("b", "glfs/dev/1/3", "ACTIVATING", ago(11), null), dev, NOW)
                .orElseThrow();

        assertThat(ReaperReason.isReaper(lifetime)).isTrue();
        assertThat(ReaperReason.isStuck(lifetime)).isFalse();
        assertThat(ReaperReason.isStuck(stuck)).isTrue();
        assertThat(lifetime.length()).isLessThanOrEqualTo(255);
    }

    @Test
    void leavesTasksWithoutTimestampsAndTasksOfUnknownEnvironmentsAlone() {
        ecs.add("glfs-shared", task("no-times", "glfs/dev/1/20", "RUNNING", null, null));
        ecs.add("glfs-shared", task("removed-env", "glfs/qa/1/21", "RUNNING", ago(600), ago(600)));
        ecs.add("glfs-shared", task("prod-in-wrong-cluster", "glfs/production/1/22", "RUNNING", ago(600),
                ago(600)));

        Reaper.Result result = reaper.sweep(LifecycleFixtures.environments(), Budget.UNLIMITED);

        assertThat(ecs.stopped).isEmpty();
        assertThat(result.startedBy()).containsExactly("glfs/dev/1/20");
    }

    @Test
    void aClusterThatCannotBeListedMarksItsEnvironmentsUnknownAndTheOthersGoOn() {
        ecs.failingClusters.add("glfs-shared");
        ecs.add("glfs-production", task("old-prod", "glfs/production/1/30", "RUNNING", ago(200), ago(199)));

        Reaper.Result result = reaper.sweep(LifecycleFixtures.environments(), Budget.UNLIMITED);

        assertThat(result.unknown()).containsExactlyInAnyOrder("dev", "staging");
        assertThat(ecs.stopped).containsOnlyKeys(arn("old-prod"));
        assertThat(metrics.sum("SweepListFailed")).isEqualTo(2);
    }

    @Test
    void aFailedStopIsCountedAndTheTaskStillCountsAsRunning() {
        ecs.stopFailure = new ConfigurationException("AccessDeniedException", "StopTask denied");
        ecs.add("glfs-production", task("old-prod", "glfs/production/1/30", "RUNNING", ago(200), ago(199)));

        Reaper.Result result = reaper.sweep(LifecycleFixtures.environments(), Budget.UNLIMITED);

        assertThat(result.reaped()).isZero();
        assertThat(result.startedBy()).containsExactly("glfs/production/1/30");
        assertThat(metrics.sum("ReaperStopFailed", "Environment", "production")).isEqualTo(1);
    }

    @Test
    void anExhaustedBudgetLeavesTheRemainingClustersUnknown() {
        Reaper.Result result = reaper.sweep(LifecycleFixtures.environments(), () -> true);

        assertThat(ecs.listed).isEmpty();
        assertThat(result.unknown()).containsExactlyInAnyOrder("dev", "staging", "production");
    }

    @Test
    void aReapedStuckTaskIsClassifiedForRelaunch() {
        String reason = ReaperReason.stuck("PENDING", Duration.ofMinutes(11), Duration.ofMinutes(10));

        assertThat(reason).startsWith(ReaperReason.PREFIX);
        assertThat(TaskOutcome.REAPED.metricName()).isEqualTo("Reaped");
        assertThat(OutcomeClassifier.START_FAILURES).doesNotContain("StuckBeforeRunning");
    }

    private static Instant ago(long minutes) {
        return NOW.minus(Duration.ofMinutes(minutes));
    }

    private static String arn(String id) {
        return "arn:aws:ecs:us-east-1:123456789012:task/c/" + id;
    }
}
