package dev.fargatescaler.domain.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.report.OutcomeClassifier.Classification;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OutcomeClassifierTest {

    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @CsvSource({
            "stopped-success, SUCCEEDED, ExitCode, 0",
            "stopped-idle, IDLE, NoJob, 79",
            "stopped-refused, RUNNER_REFUSED, TokenRefused, 77",
            "stopped-exit-nonzero, RUNNER_FAILED, ExitCode, 1",
            "stopped-cannot-pull, FAILED_TO_START, CannotPullContainerError, ",
            "stopped-resource-initialization, FAILED_TO_START, ResourceInitializationError, ",
            "stopped-spot-interruption, SPOT_INTERRUPTED, SpotInterruption, 143",
            "stopped-termination-notice, SPOT_INTERRUPTED, TerminationNotice, ",
            "stopped-reaped, REAPED, OverLifetime, 143",
    })
    void classifiesTheSampleEvents(String event, TaskOutcome outcome, String reason, Integer exitCode) {
        Classification c = OutcomeClassifier.classify(SampleEvents.parsed(event));

        assertThat(c.outcome()).isEqualTo(outcome);
        assertThat(c.reason()).isEqualTo(reason);
        assertThat(c.exitCode()).isEqualTo(exitCode);
    }

    @Test
    void startErrorWithoutStopCodeIsAFailureToStartWhenTheTaskNeverStarted() {
        ObjectNode event = SampleEvents.reporter("stopped-cannot-pull");
        SampleEvents.detail(event).remove("stopCode");
        SampleEvents.detail(event).put("stoppedReason", "Task failed to start");

        Classification c = OutcomeClassifier.classify(TaskStateChangeParser.parse(event));

        assertThat(c.outcome()).isEqualTo(TaskOutcome.FAILED_TO_START);
        assertThat(c.reason()).as("taken from the container's reason").isEqualTo("CannotPullContainerError");
        assertThat(c.metricReason()).isEqualTo("CannotPullContainerError");
    }

    @Test
    void runnerKilledForMemoryIsARunnerFailureNamedAfterTheError() {
        ObjectNode event = SampleEvents.reporter("stopped-exit-nonzero");
        ObjectNode container = (ObjectNode) SampleEvents.detail(event).get("containers").get(0);
        container.put("exitCode", 137);
        container.put("reason", "OutOfMemoryError: Container killed due to memory usage");

        Classification c = OutcomeClassifier.classify(TaskStateChangeParser.parse(event));

        assertThat(c.outcome()).isEqualTo(TaskOutcome.RUNNER_FAILED);
        assertThat(c.reason()).isEqualTo("OutOfMemoryError");
        assertThat(c.exitCode()).isEqualTo(137);
        assertThat(c.metricReason()).as("not a start failure: bounded to Other").isEqualTo("Other");
    }

    @Test
    void misconfiguredTaskIsARunnerFailureNamedSo() {
        ObjectNode event = SampleEvents.reporter("stopped-exit-nonzero");
        ((ObjectNode) SampleEvents.detail(event).get("containers").get(0)).put("exitCode", 78);

        Classification c = OutcomeClassifier.classify(TaskStateChangeParser.parse(event));

        assertThat(c.outcome()).isEqualTo(TaskOutcome.RUNNER_FAILED);
        assertThat(c.reason()).isEqualTo("Misconfigured");
        assertThat(c.exitCode()).isEqualTo(78);
    }

    @Test
    void theEntrypointsExitCodesCountOnlyWhenTheContainerExitedByItself() {
        ObjectNode event = SampleEvents.reporter("stopped-idle");
        SampleEvents.detail(event).put("stopCode", "UserInitiated");
        SampleEvents.detail(event).put("stoppedReason", "Task stopped by user");

        assertThat(OutcomeClassifier.classify(TaskStateChangeParser.parse(event)).outcome())
                .as("a task stopped from outside is judged by how it was stopped").isEqualTo(TaskOutcome.OTHER);
    }

    @Test
    void noJobAndRefusalAreNotRelaunched() {
        assertThat(Relauncher.callsForRelaunch(OutcomeClassifier.classify(SampleEvents.parsed("stopped-idle"))))
                .as("an idle task's job was most likely taken by another runner").isFalse();
        assertThat(Relauncher.callsForRelaunch(OutcomeClassifier.classify(SampleEvents.parsed("stopped-refused"))))
                .as("a refused token refuses every relaunch too").isFalse();
    }

    @Test
    void stoppedBySomeoneElseIsOtherEvenWithAnExitCode() {
        ObjectNode event = SampleEvents.reporter("stopped-reaped");
        SampleEvents.detail(event).put("stoppedReason", "Task stopped by user");

        Classification c = OutcomeClassifier.classify(TaskStateChangeParser.parse(event));

        assertThat(c.outcome()).isEqualTo(TaskOutcome.OTHER);
        assertThat(c.reason()).isEqualTo("UserInitiated");
    }

    @Test
    void reaperStopOfAStuckTaskIsRecognised() {
        ObjectNode event = SampleEvents.reporter("stopped-reaped");
        SampleEvents.detail(event).put("stoppedReason",
                dev.fargatescaler.domain.lifecycle.ReaperReason.stuck("PROVISIONING",
                        java.time.Duration.ofMinutes(16), java.time.Duration.ofMinutes(15)));

        Classification c = OutcomeClassifier.classify(TaskStateChangeParser.parse(event));

        assertThat(c.outcome()).isEqualTo(TaskOutcome.REAPED);
        assertThat(c.reason()).isEqualTo("StuckBeforeRunning");
    }

    @Test
    void missingEverythingIsOtherUnknown() {
        ObjectNode event = SampleEvents.reporter("stopped-resource-initialization");
        SampleEvents.detail(event).remove("stopCode");
        SampleEvents.detail(event).remove("stoppedReason");

        Classification c = OutcomeClassifier.classify(TaskStateChangeParser.parse(event));

        assertThat(c.outcome()).isEqualTo(TaskOutcome.OTHER);
        assertThat(c.reason()).isEqualTo("Unknown");
    }

    @Test
    void infrastructureHealthIsOther() {
        ObjectNode event = SampleEvents.reporter("stopped-success");
        SampleEvents.detail(event).put("stopCode", "InfrastructureHealth");

        assertThat(OutcomeClassifier.classify(TaskStateChangeParser.parse(event)).outcome())
                .isEqualTo(TaskOutcome.OTHER);
    }
}
