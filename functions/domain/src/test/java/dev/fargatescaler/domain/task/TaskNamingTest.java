package dev.fargatescaler.domain.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TaskNamingTest {

    @Test
    void namesAreDeterministicAndReadable() {
        assertThat(TaskNaming.startedBy("dev", 380, 1977)).isEqualTo("glfs/dev/380/1977");
        assertThat(TaskNaming.group("production")).isEqualTo("glfs:production");
        assertThat(TaskNaming.clientToken("staging", 380, 1977, 0)).isEqualTo("glfs-staging-380-1977-0");
    }

    @Test
    void foreignStartedByValuesAreNotOurs() {
        assertThat(TaskNaming.parseStartedBy(null)).isEmpty();
        assertThat(TaskNaming.parseStartedBy("ecs-svc/1234567890")).isEmpty();
        assertThat(TaskNaming.parseStartedBy("glfs/dev/380")).isEmpty();
        assertThat(TaskNaming.parseStartedBy("glfs/Dev/380/1977")).isEmpty();
        assertThat(TaskNaming.parseStartedBy("glfs/dev/0/1977")).isEmpty();
        assertThat(TaskNaming.parseStartedBy("glfs/dev/380/99999999999999999999")).isEmpty();
    }

    @Test
    void invalidEnvironmentNamesAreRefused() {
        assertThatThrownBy(() -> TaskNaming.startedBy("Prod", 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskNaming.startedBy("a".repeat(21), 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskNaming.group("dev/x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 300)
    void startedByRoundTripsAndFitsEcsLimits(@ForAll("environments") String environment,
                                             @ForAll @LongRange(min = 1) long projectId,
                                             @ForAll @LongRange(min = 1) long jobId,
                                             @ForAll @IntRange(min = 0) int attempt) {
        String startedBy = TaskNaming.startedBy(environment, projectId, jobId);
        assertThat(startedBy).hasSizeLessThanOrEqualTo(128).matches("[A-Za-z0-9/_-]+");
        assertThat(TaskNaming.parseStartedBy(startedBy))
                .contains(new TaskNaming.JobTask(environment, projectId, jobId));
        assertThat(TaskNaming.clientToken(environment, projectId, jobId, attempt))
                .hasSizeLessThanOrEqualTo(64).matches("\\p{ASCII}+");
    }

    @Property(tries = 200)
    void distinctJobsGetDistinctClientTokens(@ForAll("environments") String environment,
                                             @ForAll @LongRange(min = 1) long jobA,
                                             @ForAll @LongRange(min = 1) long jobB) {
        if (jobA != jobB) {
            assertThat(TaskNaming.clientToken(environment, 1, jobA, 0))
                    .isNotEqualTo(TaskNaming.clientToken(environment, 1, jobB, 0));
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> environments() {
        return net.jqwik.api.Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-")
                .ofMinLength(1).ofMaxLength(20).filter(s -> Character.isLetterOrDigit(s.charAt(0)));
    }

}
