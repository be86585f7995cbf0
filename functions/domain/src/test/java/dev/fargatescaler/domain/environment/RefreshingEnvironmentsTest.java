package dev.fargatescaler.domain.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RefreshingEnvironmentsTest {

    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock(START);
    private final RecordingMetrics metrics = new RecordingMetrics();
    /** What the store answers next, in order; the last answer repeats. */
    private final Deque<Supplier<Environments>> answers = new ArrayDeque<>();
    private int loads;

    private final EnvironmentsSource source = () -> {
        loads++;
        Supplier<Environments> next = answers.size() > 1 ? answers.poll() : answers.peek();
        return next.get();
    };

    private static Environments named(String... names) {
        return new Environments(java.util.Arrays.stream(names)
                .map(n -> TestEnvironments.environment(n, Set.of(n))).toList());
    }

    private void answer(Supplier<Environments> next) {
        answers.add(next);
    }

    private static Supplier<Environments> failing(RuntimeException e) {
        return () -> {
            throw e;
        };
    }

    @Test
    void loadsAtInitAndReloadsOnlyOnceTheTtlHasPassed() {
        answer(() -> named("dev"));
        RefreshingEnvironments environments = new RefreshingEnvironments(source, TTL, clock, metrics);
        answers.clear();
        answer(() -> named("dev", "staging"));

        clock.advance(TTL);
        assertThat(environments.current().environments().names()).containsExactly("dev");
        assertThat(loads).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        EnvironmentsSnapshot reloaded = environments.current();

        assertThat(reloaded.environments().names()).containsExactly("dev", "staging");
        assertThat(reloaded.loadedAt()).isEqualTo(START.plus(TTL).plusSeconds(1));
        assertThat(loads).isEqualTo(2);
    }

    @Test
    void aFailedReloadKeepsTheLastGoodListCountsItAndWaitsBeforeTryingAgain() {
        answer(() -> named("dev"));
        RefreshingEnvironments environments = new RefreshingEnvironments(source, TTL, clock, metrics);
        answers.clear();
        answer(failing(new RetryableException("AwsServerError", "GetParametersByPath failed: HTTP 500")));

        clock.advance(TTL.plusSeconds(1));
        EnvironmentsSnapshot kept = environments.current();
        // Moments later, in the same batch: no new attempt, the caller is not held by a failing store.
        clock.advance(Duration.ofSeconds(5));
        environments.current();
        environments.refresh();

        assertThat(kept.environments().names()).containsExactly("dev");
        assertThat(kept.loadedAt()).isEqualTo(START);
        assertThat(kept.freshFor(START, clock.instant())).isFalse();
        assertThat(loads).isEqualTo(2);
        assertThat(metrics.sum("EnvironmentsRefreshFailed", "Reason", "AwsServerError")).isEqualTo(1);

        answers.clear();
        answer(() -> named("dev", "staging"));
        clock.advance(TTL);
        assertThat(environments.current().environments().names()).containsExactly("dev", "staging");
        assertThat(loads).isEqualTo(3);
    }

    @Test
    void aForcedRefreshReloadsButOneReloadServesAWholeBatch() {
        answer(() -> named("dev"));
        RefreshingEnvironments environments = new RefreshingEnvironments(source, TTL, clock, metrics);
        answers.clear();
        answer(() -> named("dev", "staging"));
        clock.advance(Duration.ofSeconds(10));

        EnvironmentsSnapshot forced = environments.refresh();
        environments.refresh();

        assertThat(forced.environments().names()).containsExactly("dev", "staging");
        assertThat(forced.loadedAt()).isEqualTo(START.plusSeconds(10));
        assertThat(loads).isEqualTo(2);
    }

    @Test
    void aRestoreReloadsAtOnceWhateverTheTtl() {
        answer(() -> named("dev"));
        RefreshingEnvironments environments = new RefreshingEnvironments(source, TTL, clock, metrics);
        answers.clear();
        answer(() -> named("dev", "production"));

        environments.afterRestore();

        assertThat(environments.current().environments().names()).containsExactly("dev", "production");
        assertThat(loads).isEqualTo(2);
    }

    @Test
    void noEnvironmentYetIsAValidEmptyListNotAnError() {
        answer(() -> new Environments(List.of()));

        EnvironmentsSnapshot snapshot = new RefreshingEnvironments(source, TTL, clock, metrics).current();

        assertThat(snapshot.available()).isTrue();
        assertThat(snapshot.empty()).isTrue();
        assertThat(metrics.points()).isEmpty();
    }

    @Test
    void aStoreUnreadableAtInitDoesNotFailTheInitAndSaysWhyWhenAsked() {
        answer(failing(new ConfigurationException("AccessDeniedException", "GetParametersByPath failed")));

        RefreshingEnvironments environments = new RefreshingEnvironments(source, TTL, clock, metrics);
        EnvironmentsSnapshot none = environments.current();

        assertThat(none.available()).isFalse();
        assertThatThrownBy(none::environmentsOrThrow).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("GetParametersByPath");
        assertThat(metrics.sum("EnvironmentsRefreshFailed", "Reason", "AccessDeniedException")).isEqualTo(1);

        answers.clear();
        answer(() -> named("dev"));
        clock.advance(TTL);
        assertThat(environments.current().environments().names()).containsExactly("dev");
    }

    @Test
    void freshnessIsAboutTheJobNotOnlyTheClock() {
        EnvironmentsSnapshot loaded = new EnvironmentsSnapshot(named("dev"), START, TTL, null);

        assertThat(loaded.freshFor(START.minusSeconds(1), START.plusSeconds(30))).isTrue();
        // The job was queued after the list was loaded: an environment added in between would be missing.
        assertThat(loaded.freshFor(START.plusSeconds(1), START.plusSeconds(30))).isFalse();
        // Past its TTL the list is stale for every job.
        assertThat(loaded.freshFor(START.minusSeconds(1), START.plus(TTL).plusSeconds(1))).isFalse();
        assertThat(EnvironmentsSnapshot.fixed(named("dev")).freshFor(Instant.MAX, Instant.MAX)).isTrue();
    }
}
