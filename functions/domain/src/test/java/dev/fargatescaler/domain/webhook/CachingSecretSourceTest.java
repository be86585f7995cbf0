package dev.fargatescaler.domain.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.RetryableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CachingSecretSourceTest {

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void readsOncePerTtlAndPicksUpRotatedValues() {
        MutableClock clock = new MutableClock();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<String> value = new AtomicReference<>("v1");
        var cache = new CachingSecretSource(ref -> {
            reads.incrementAndGet();
            return value.get();
        }, Duration.ofMinutes(5), clock);

        assertThat(cache.secret("ssm:/a")).isEqualTo("v1");
        assertThat(cache.secret("ssm:/a")).isEqualTo("v1");
        assertThat(reads).hasValue(1);

        value.set("v2");
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertThat(cache.secret("ssm:/a")).isEqualTo("v2");
        assertThat(reads).hasValue(2);
    }

    @Test
    void keepsTheLastValueThroughABriefOutageButNotThroughAConfigurationError() {
        MutableClock clock = new MutableClock();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        var cache = new CachingSecretSource(ref -> {
            if (failure.get() != null) {
                throw failure.get();
            }
            return "v1";
        }, Duration.ofMinutes(1), clock);
        cache.secret("s");

        failure.set(new RetryableException("AwsUnreachable", "down"));
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(cache.secret("s")).isEqualTo("v1");

        failure.set(new ConfigurationException("AccessDenied", "denied"));
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThatThrownBy(() -> cache.secret("s")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void withoutAPreviousValueAnOutageIsReported() {
        var cache = new CachingSecretSource(ref -> {
            throw new RetryableException("AwsUnreachable", "down");
        }, Duration.ofMinutes(1), new MutableClock());
        assertThatThrownBy(() -> cache.secret("s")).isInstanceOf(RetryableException.class);
    }
}
