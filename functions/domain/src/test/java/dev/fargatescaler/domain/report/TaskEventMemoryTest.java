package dev.fargatescaler.domain.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class TaskEventMemoryTest {

    @Test
    void anEventIsADuplicateOnlyOnceRemembered() {
        TaskEventMemory memory = new TaskEventMemory(10);
        TaskStateChange stopped = SampleEvents.parsed("stopped-success");

        assertThat(memory.isDuplicate(stopped)).isFalse();
        memory.remember(stopped);
        assertThat(memory.isDuplicate(stopped)).isTrue();
        assertThat(memory.wasReportedStopped(stopped.taskArn())).isTrue();
    }

    @Test
    void anotherVersionOfTheSameTaskIsNotADuplicate() {
        TaskEventMemory memory = new TaskEventMemory(10);
        memory.remember(SampleEvents.parsed("running"));

        TaskStateChange stopped = SampleEvents.parsed("stopped-success");
        assertThat(memory.isDuplicate(stopped)).isFalse();
        assertThat(memory.wasReportedStopped(stopped.taskArn())).isFalse();
    }

    @Test
    void forgetsTheLeastRecentlyUsedBeyondItsCapacity() {
        TaskEventMemory memory = new TaskEventMemory(2);
        TaskStateChange first = withArn("stopped-success", "task/glfs-dev/1");
        TaskStateChange second = withArn("stopped-success", "task/glfs-dev/2");
        TaskStateChange third = withArn("stopped-success", "task/glfs-dev/3");

        memory.remember(first);
        memory.remember(second);
        memory.isDuplicate(first); // touch: second is now the eldest
        memory.remember(third);

        assertThat(memory.isDuplicate(first)).isTrue();
        assertThat(memory.isDuplicate(second)).isFalse();
        assertThat(memory.isDuplicate(third)).isTrue();
        assertThatThrownBy(() -> new TaskEventMemory(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static TaskStateChange withArn(String event, String arn) {
        ObjectNode node = SampleEvents.reporter(event);
        SampleEvents.detail(node).put("taskArn", arn);
        return TaskStateChangeParser.parse(node);
    }
}
