package dev.fargatescaler.domain.task;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.Chars;

class TaskNamingFallbackTest {

    @Property
    void theOnDemandTokenDiffersAndStaysWithinSixtyFourCharacters(
            @ForAll @Chars({'a', 'z', '0', '-'}) @StringLength(min = 1, max = 19) String suffix,
            @ForAll @LongRange(min = 1) long projectId, @ForAll @LongRange(min = 1) long jobId,
            @ForAll @IntRange(min = 0) int attempt) {
        String environment = "e" + suffix;
        String token = TaskNaming.clientToken(environment, projectId, jobId, attempt);
        String fallback = TaskNaming.onDemandFallbackClientToken(environment, projectId, jobId, attempt);

        assertThat(fallback).isNotEqualTo(token).startsWith("gfod-").hasSizeLessThanOrEqualTo(64)
                .hasSameSizeAs(token);
        assertThat(fallback.substring(5)).isEqualTo(token.substring(5));
    }
}
