package dev.fargatescaler.domain.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.json.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskStateChangeParserTest {

    @Test
    void readsTheAwsDocumentationEvent() {
        TaskStateChange task = TaskStateChangeParser.parse(SampleEvents.awsDocsRunning());

        assertThat(task.taskArn())
                .isEqualTo("arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad");
        assertThat(task.taskId()).isEqualTo("c13b4cb40f1f4fe4a2971f76ae5a47ad");
        assertThat(task.clusterName()).isEqualTo("FargateCluster");
        assertThat(task.version()).isEqualTo(4);
        assertThat(task.lastStatus()).isEqualTo("RUNNING");
        assertThat(task.isStopped()).isFalse();
        assertThat(task.group()).isEqualTo("family:sample-fargate");
        assertThat(task.startedBy()).isNull();
        assertThat(task.cpu()).isEqualTo("256");
        assertThat(task.memory()).isEqualTo("512");
        assertThat(task.launchType()).isEqualTo("FARGATE");
        assertThat(task.createdAt()).isEqualTo(Instant.parse("2020-01-23T17:57:34.402Z"));
        assertThat(task.pullStartedAt()).isEqualTo(Instant.parse("2020-01-23T17:57:52.103Z"));
        assertThat(task.pullStoppedAt()).isEqualTo(Instant.parse("2020-01-23T17:57:55.103Z"));
        assertThat(task.startedAt()).isEqualTo(Instant.parse("2020-01-23T17:57:58.103Z"));
        assertThat(task.stoppedAt()).isNull();
        assertThat(task.containers()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("FargateApp");
            assertThat(c.exitCode()).isNull();
            assertThat(c.overridden()).isFalse();
        });
        assertThat(task.eventTime()).isEqualTo(Instant.parse("2020-01-23T17:57:58Z"));
    }

    @Test
    void readsOverridesAttributesAndStopDetails() {
        TaskStateChange task = SampleEvents.parsed("stopped-cannot-pull");

        assertThat(task.startedBy()).isEqualTo("glfs/dev/380/1979");
        assertThat(task.environmentOverrides()).containsEntry("GLFS_ATTEMPT", "0");
        assertThat(task.architecture()).isEqualTo("arm64");
        assertThat(task.capacityProvider()).isEqualTo("FARGATE");
        assertThat(task.stopCode()).isEqualTo("TaskFailedToStart");
        assertThat(task.stoppedReason()).startsWith("CannotPullContainerError:");
        assertThat(task.startedAt()).isNull();
        assertThat(task.runnerContainer()).hasValueSatisfying(c -> {
            assertThat(c.name()).isEqualTo("runner");
            assertThat(c.overridden()).isTrue();
            assertThat(c.reason()).startsWith("CannotPullContainerError");
        });
    }

    @Test
    void toleratesUnknownFieldsMissingAndBrokenTimestampsAndNumbersForStrings() {
        ObjectNode event = SampleEvents.reporter("stopped-success");
        ObjectNode detail = SampleEvents.detail(event);
        detail.put("someFieldAwsAddsLater", "x");
        detail.putObject("anotherNewThing").put("a", 1);
        detail.remove("pullStartedAt");
        detail.put("pullStoppedAt", "not a time");
        detail.putNull("startedAt");
        detail.put("cpu", 1024);
        detail.put("version", "12");

        TaskStateChange task = TaskStateChangeParser.parse(event);

        assertThat(task.pullStartedAt()).isNull();
        assertThat(task.pullStoppedAt()).isNull();
        assertThat(task.startedAt()).isNull();
        assertThat(task.cpu()).isEqualTo("1024");
        assertThat(task.version()).isEqualTo(12);
        assertThat(task.stoppedAt()).isEqualTo(Instant.parse("2020-01-23T18:04:12.933Z"));
    }

    @Test
    void acceptsAnEventWithoutContainersOrVersion() {
        ObjectNode event = SampleEvents.reporter("stopped-resource-initialization");
        SampleEvents.detail(event).remove("version");

        TaskStateChange task = TaskStateChangeParser.parse(event);

        assertThat(task.containers()).isEmpty();
        assertThat(task.runnerContainer()).isEmpty();
        assertThat(task.version()).isEqualTo(-1);
    }

    @Test
    void refusesOtherEventsAndEventsWithoutTaskArn() throws Exception {
        ObjectNode scheduled = (ObjectNode) Json.MAPPER.readTree(
                "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}");
        assertThatThrownBy(() -> TaskStateChangeParser.parse(scheduled))
                .isInstanceOf(PermanentException.class)
                .extracting(e -> ((PermanentException) e).reason()).isEqualTo("NotTaskStateChange");

        ObjectNode noArn = SampleEvents.reporter("running");
        SampleEvents.detail(noArn).remove("taskArn");
        assertThatThrownBy(() -> TaskStateChangeParser.parse(noArn))
                .isInstanceOf(PermanentException.class)
                .extracting(e -> ((PermanentException) e).reason()).isEqualTo("MalformedEvent");

        assertThatThrownBy(() -> TaskStateChangeParser.parse(Json.MAPPER.readTree("[1]")))
                .isInstanceOf(PermanentException.class);
    }
}
