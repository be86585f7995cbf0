package dev.fargatescaler.domain.lifecycle;

import static dev.fargatescaler.domain.lifecycle.LifecycleFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.task.TaskNaming;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The reaper judges warm-pool tasks like job tasks: an idle one is not stuck, an overdue one is stopped. */
class ReaperPoolTasksTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    static Instant ago(int minutes) {
        return NOW.minusSeconds(60L * minutes);
    }

    @Test
    void idlePoolTasksAreLeftAloneAndCountedAndOverdueOnesReaped() {
        LifecycleFixtures.FakeClusters ecs = new LifecycleFixtures.FakeClusters();
        String idle = TaskNaming.poolStartedBy("dev", 1, 1);
        String overdue = TaskNaming.poolStartedBy("dev", 1, 2);
        String stuck = TaskNaming.poolStartedBy("dev", 1, 3);
        // dev: lifetime 1 h, stuck before RUNNING after 10 min
        ecs.add("glfs-shared", task("idle", idle, "RUNNING", ago(9), ago(8)));
        ecs.add("glfs-shared", task("overdue", overdue, "RUNNING", ago(61), ago(60)));
        ecs.add("glfs-shared", task("stuck", stuck, "PROVISIONING", ago(11), null));

        Reaper.Result result = new Reaper(ecs, new RecordingMetrics(), Clock.fixed(NOW, ZoneOffset.UTC))
                .sweep(LifecycleFixtures.environments(), Budget.UNLIMITED);

        assertThat(result.reaped()).isEqualTo(2);
        assertThat(ecs.stopped.keySet()).allSatisfy(arn -> assertThat(arn).doesNotEndWith("/idle"));
        assertThat(result.active("dev")).as("the idle pool task holds a slot").isEqualTo(1);
    }
}
