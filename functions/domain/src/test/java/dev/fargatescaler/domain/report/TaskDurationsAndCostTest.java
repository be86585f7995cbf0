package dev.fargatescaler.domain.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.CostHints;
import dev.fargatescaler.domain.errors.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TaskDurationsAndCostTest {

    @Test
    void durationsOfANormalRun() {
        TaskDurations d = TaskDurations.of(SampleEvents.parsed("stopped-success"));

        // createdAt 17:57:34.402, pullStartedAt 17:57:52.103, pullStoppedAt 17:57:55.103,
        // startedAt 17:57:58.103, executionStoppedAt 18:04:00.207
        assertThat(d.provisioning()).isEqualTo(Duration.ofMillis(17_701));
        assertThat(d.imagePull()).isEqualTo(Duration.ofMillis(3_000));
        assertThat(d.startLatency()).isEqualTo(Duration.ofMillis(23_701));
        assertThat(d.run()).isEqualTo(Duration.ofMillis(362_104));
    }

    @Test
    void runTimeFallsBackToStoppedAtAndMissingTimestampsLeaveGaps() {
        ObjectNode event = SampleEvents.reporter("stopped-success");
        SampleEvents.detail(event).remove("executionStoppedAt");
        SampleEvents.detail(event).remove("pullStoppedAt");

        TaskDurations d = TaskDurations.of(TaskStateChangeParser.parse(event));

        assertThat(d.run()).isEqualTo(Duration.ofMillis(374_830));
        assertThat(d.imagePull()).isNull();
        assertThat(d.startLatency()).isEqualTo(Duration.ofMillis(23_701));
    }

    @Test
    void aTaskThatNeverStartedHasNoStartOrRunTime() {
        TaskDurations d = TaskDurations.of(SampleEvents.parsed("stopped-resource-initialization"));

        assertThat(d.startLatency()).isNull();
        assertThat(d.run()).isNull();
        assertThat(d.provisioning()).isNull();
    }

    @Test
    void timestampsOutOfOrderGiveNoDuration() {
        ObjectNode event = SampleEvents.reporter("stopped-success");
        SampleEvents.detail(event).put("startedAt", "2020-01-23T17:50:00.000Z");

        assertThat(TaskDurations.of(TaskStateChangeParser.parse(event)).startLatency()).isNull();
    }

    @Test
    void billedTimeRunsFromPullStartToStopRoundedUpWithAOneMinuteMinimum() {
        // 17:57:52.103 -> 18:04:12.933 = 380.83 s
        assertThat(TaskDurations.billed(SampleEvents.parsed("stopped-success"))).isEqualTo(Duration.ofSeconds(381));
        // 52.2 s of pulling before the failure: billed as one minute
        assertThat(TaskDurations.billed(SampleEvents.parsed("stopped-cannot-pull"))).isEqualTo(Duration.ofSeconds(60));
        // never pulled: Fargate bills nothing
        assertThat(TaskDurations.billed(SampleEvents.parsed("stopped-resource-initialization")))
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void costOfAnArmOnDemandTask() {
        CostEstimate cost = CostEstimate.of(SampleEvents.parsed("stopped-success"),
                PriceTable.DEFAULT, CostHints.NONE, "x86_64");

        assertThat(cost.cpuUnits()).isEqualTo(1024);
        assertThat(cost.memoryMiB()).isEqualTo(2048);
        assertThat(cost.architecture()).as("from the task's attribute, not the default").isEqualTo("arm64");
        assertThat(cost.launch()).isEqualTo("on-demand");
        // 381 s x (1 vCPU x 0.03238 + 2 GB x 0.00356) per hour
        assertThat(cost.usd()).isEqualTo(0.004180);
    }

    @Test
    void costOfAnX86Task() {
        CostEstimate cost = CostEstimate.of(SampleEvents.parsed("stopped-exit-nonzero"),
                PriceTable.DEFAULT, CostHints.NONE, "arm64");

        // 381 s x (2 vCPU x 0.04048 + 4 GB x 0.004445) per hour
        assertThat(cost.architecture()).isEqualTo("x86_64");
        assertThat(cost.usd()).isEqualTo(0.010450);
    }

    @Test
    void spotTasksGetTheSpotDiscount() {
        CostEstimate cost = CostEstimate.of(SampleEvents.parsed("stopped-spot-interruption"),
                PriceTable.DEFAULT, CostHints.NONE, null);

        assertThat(cost.launch()).isEqualTo("spot");
        // the on-demand 0.0041804 less 70 %
        assertThat(cost.usd()).isEqualTo(0.001254);
    }

    @Test
    void architectureFallsBackToTheConfiguredDefaultThenX86() {
        ObjectNode event = SampleEvents.reporter("stopped-success");
        SampleEvents.detail(event).remove("attributes");
        TaskStateChange task = TaskStateChangeParser.parse(event);

        assertThat(CostEstimate.of(task,
                PriceTable.DEFAULT, CostHints.NONE, "ARM64").architecture()).isEqualTo("arm64");
        assertThat(CostEstimate.of(task,
                PriceTable.DEFAULT, CostHints.NONE, null).architecture()).isEqualTo("x86_64");
    }

    @Test
    void theEnvironmentsHintsFillOnlyWhatTheEventLacks() {
        ObjectNode event = SampleEvents.reporter("stopped-success");
        SampleEvents.detail(event).remove("memory");
        SampleEvents.detail(event).remove("attributes");
        TaskStateChange task = TaskStateChangeParser.parse(event);

        CostEstimate cost = CostEstimate.of(task,
                PriceTable.DEFAULT, new CostHints(4096, 2048, "ARM64"), "x86_64");

        assertThat(cost.cpuUnits()).as("the event's own cpu wins").isEqualTo(1024);
        assertThat(cost.memoryMiB()).isEqualTo(2048);
        assertThat(cost.architecture()).isEqualTo("arm64");
        assertThat(cost.usd()).isEqualTo(0.004180);
    }

    @Test
    void unknownSizeGivesNoCost() {
        ObjectNode event = SampleEvents.reporter("stopped-success");
        SampleEvents.detail(event).remove("memory");

        CostEstimate cost = CostEstimate.of(TaskStateChangeParser.parse(event),
                PriceTable.DEFAULT, CostHints.NONE, null);

        assertThat(cost.usd()).isNull();
        assertThat(cost.billed()).isEqualTo(Duration.ofSeconds(381));
    }

    @Test
    void sizesInTaskDefinitionNotation() {
        assertThat(CostEstimate.cpuUnits("0.25 vCPU")).isEqualTo(256);
        assertThat(CostEstimate.cpuUnits("4096")).isEqualTo(4096);
        assertThat(CostEstimate.cpuUnits("lots")).isNull();
        assertThat(CostEstimate.memoryMiB("2 GB")).isEqualTo(2048);
        assertThat(CostEstimate.memoryMiB("512")).isEqualTo(512);
        assertThat(CostEstimate.memoryMiB("0")).isNull();
    }

    @Test
    void priceTableOverridesOnlyWhatIsGiven() {
        PriceTable table = PriceTable.parse("{\"arm64\":{\"vcpuHour\":0.05},\"spotDiscount\":0.5}");

        assertThat(table.arm64().vcpuHour()).isEqualTo(0.05);
        assertThat(table.arm64().gbHour()).isEqualTo(0.00356);
        assertThat(table.x86()).isEqualTo(PriceTable.DEFAULT.x86());
        assertThat(table.spotDiscount()).isEqualTo(0.5);
        assertThat(PriceTable.parse(" ")).isEqualTo(PriceTable.DEFAULT);
    }

    @Test
    void priceTableReportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> PriceTable.parse(
                "{\"x86_64\":{\"vcpuHour\":-1},\"arm64\":3,\"spotDiscount\":1.5,\"gpu\":{}}"))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems()).hasSize(4));
        assertThatThrownBy(() -> PriceTable.parse("{")).isInstanceOf(ConfigurationException.class);
    }
}
