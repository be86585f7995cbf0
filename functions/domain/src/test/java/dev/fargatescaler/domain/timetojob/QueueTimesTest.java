package dev.fargatescaler.domain.timetojob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.Fixtures;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.environment.EnvironmentsSnapshot;
import dev.fargatescaler.domain.environment.TestEnvironments;
import dev.fargatescaler.domain.metrics.MetricUnit;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueueTimesTest {

    final RecordingMetrics metrics = new RecordingMetrics();
    final QueueTimes queueTimes = new QueueTimes(
            EnvironmentsProvider.fixed(TestEnvironments.devStagingProduction()), metrics);

    @Test
    void theRunningHookOfTheFixtureGivesQueueTimeAndRunner() {
        JobStart start = JobStartParser.parse(Fixtures.json("job-running.derived.json")).orElseThrow();

        assertThat(start.jobId()).isEqualTo(3580121225L);
        assertThat(start.queued()).isEqualTo(Duration.ofMillis(31_420));
        assertThat(start.runnerId()).isEqualTo(48213);
        assertThat(start.runnerTags()).containsExactlyInAnyOrder("fargate", "dev");
    }

    @Test
    void queueTimeIsRecordedForTheEnvironmentWhoseTagsAreTheRunnersTags() {
        queueTimes.running(Fixtures.json("job-running.derived.json"));

        assertThat(metrics.points()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("JobQueueTime");
            assertThat(p.value()).isEqualTo(31_420);
            assertThat(p.unit()).isEqualTo(MetricUnit.MILLISECONDS);
            assertThat(p.dimensions()).isEqualTo(Map.of("Environment", "dev"));
        });
    }

    @Test
    void aRunnerOfNoEnvironmentIsCountedUnattributedAndItsTimeKeptInTheTotal() {
        ObjectNode hook = Fixtures.json("job-success.gitlab-com-2023.json");
        hook.put("build_status", "running");

        queueTimes.running(hook);

        assertThat(metrics.sum("QueueTimeUnattributed", "Reason", "NoEnvironment")).isEqualTo(1);
        assertThat(metrics.points()).filteredOn(p -> p.name().equals("JobQueueTime")).singleElement()
                .satisfies(p -> {
                    assertThat(p.value()).isEqualTo(193);
                    assertThat(p.dimensions()).isEmpty();
                });
    }

    @Test
    void twoEnvironmentsWithTheSameTagsAreAmbiguous() {
        QueueTimes twins = new QueueTimes(EnvironmentsProvider.fixed(new dev.fargatescaler.domain.environment
                .Environments(java.util.List.of(TestEnvironments.environment("a", Set.of("fargate", "dev")),
                TestEnvironments.environment("b", Set.of("fargate", "dev"))))), metrics);

        twins.running(Fixtures.json("job-running.derived.json"));

        assertThat(metrics.sum("QueueTimeUnattributed", "Reason", "Ambiguous")).isEqualTo(1);
    }

    @Test
    void unavailableEnvironmentsDoNotLoseTheMeasurement() {
        EnvironmentsProvider broken = new EnvironmentsProvider() {
            @Override
            public EnvironmentsSnapshot current() {
                return new EnvironmentsSnapshot(null, null, null, new IllegalStateException("SSM down"));
            }

            @Override
            public EnvironmentsSnapshot refresh() {
                return current();
            }
        };
        new QueueTimes(broken, metrics).running(Fixtures.json("job-running.derived.json"));

        assertThat(metrics.sum("QueueTimeUnattributed", "Reason", "EnvironmentsUnavailable")).isEqualTo(1);
        assertThat(metrics.sum("JobQueueTime")).isEqualTo(31_420);
    }

    @Test
    void hooksWithoutTheFactsAreNotMeasured() {
        ObjectNode pending = Fixtures.json("job-pending.derived.json");
        ObjectNode noRunner = Fixtures.json("job-running.derived.json");
        noRunner.putNull("runner");
        ObjectNode noDuration = Fixtures.json("job-running.derived.json");
        noDuration.putNull("build_queued_duration");
        ObjectNode negative = Fixtures.json("job-running.derived.json");
        negative.put("build_queued_duration", -1.0);
        ObjectNode text = Fixtures.json("job-running.derived.json");
        text.put("build_queued_duration", "31");

        for (ObjectNode hook : new ObjectNode[] {pending, noRunner, noDuration, negative, text}) {
            queueTimes.running(hook);
        }

        assertThat(metrics.points()).isEmpty();
    }
}
