package dev.fargatescaler.domain.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(new SplittableRandom(7));

    @Test
    void doublesFromThirtySecondsUpToFifteenMinutes() {
        assertThat(backoff.exponential(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.exponential(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.exponential(3)).isEqualTo(Duration.ofSeconds(120));
        assertThat(backoff.exponential(5)).isEqualTo(Duration.ofSeconds(480));
        assertThat(backoff.exponential(6)).isEqualTo(Duration.ofMinutes(15));
        assertThat(backoff.exponential(1000)).isEqualTo(Duration.ofMinutes(15));
        assertThat(backoff.exponential(0)).isEqualTo(Duration.ofSeconds(30));
    }

    @Property
    void jitterStaysBetweenHalfAndAllOfTheDelay(@ForAll @IntRange(min = 1, max = 40) int receiveCount,
                                                @ForAll long seed) {
        Backoff random = new Backoff(new SplittableRandom(seed));
        Duration exponential = random.exponential(receiveCount);

        Duration delay = random.delay(receiveCount, Optional.empty());

        assertThat(delay).isBetween(exponential.dividedBy(2), exponential.plusSeconds(1));
        assertThat(delay).isLessThanOrEqualTo(Backoff.CAP.plusSeconds(1));
    }

    @Test
    void jitterSpreadsDelays() {
        long distinct = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> backoff.delay(4, Optional.empty())).distinct().count();

        assertThat(distinct).isGreaterThan(10);
    }

    @Test
    void aLongerRetryAfterWins() {
        assertThat(backoff.delay(1, Optional.of(Duration.ofMinutes(5)))).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.delay(1, Optional.of(Duration.ofSeconds(1)))).isBetween(Duration.ofSeconds(15),
                Duration.ofSeconds(30));
    }

    @Test
    void neverMoreThanSqsAllowsNorZero() {
        assertThat(backoff.delay(1, Optional.of(Duration.ofDays(2)))).isEqualTo(Backoff.SQS_MAX_VISIBILITY);
        Backoff tiny = new Backoff(Duration.ZERO, Duration.ZERO, new SplittableRandom(1));
        assertThat(tiny.delay(1, Optional.empty())).isEqualTo(Duration.ofSeconds(1));
    }
}
