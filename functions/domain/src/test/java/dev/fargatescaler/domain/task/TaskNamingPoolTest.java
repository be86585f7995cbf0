package dev.fargatescaler.domain.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskNamingPoolTest {

    @Test
    void poolNamesAreRecognisedAndNeverTakenForAJobsName() {
        String startedBy = TaskNaming.poolStartedBy("production", 29_417_000L, 3);

        assertThat(startedBy).isEqualTo("glfs/production/pool/29417000-3");
        assertThat(TaskNaming.poolEnvironment(startedBy)).contains("production");
        assertThat(TaskNaming.parseStartedBy(startedBy)).as("not a job's task").isEmpty();
        assertThat(TaskNaming.isPoolTask(TaskNaming.startedBy("production", 42, 7))).isFalse();
        // An environment may be called "pool": its job tasks are still job tasks.
        assertThat(TaskNaming.isPoolTask(TaskNaming.startedBy("pool", 42, 7))).isFalse();
        assertThat(TaskNaming.parseStartedBy(TaskNaming.startedBy("pool", 42, 7))).isPresent();
        assertThat(TaskNaming.isPoolTask(null)).isFalse();
        assertThat(TaskNaming.isPoolTask("glfs/dev/pool/x-1")).isFalse();
    }

    @Test
    void poolClientTokensAreShortAndPerMinuteAndSlot() {
        String longest = TaskNaming.poolClientToken("abcdefghijklmnopqrst", 999_999_999_999L, 9999);

        assertThat(longest).hasSizeLessThanOrEqualTo(64);
        assertThat(TaskNaming.poolClientToken("dev", 1, 1)).isNotEqualTo(TaskNaming.poolClientToken("dev", 1, 2))
                .isNotEqualTo(TaskNaming.poolClientToken("dev", 2, 1));
    }
}
