package dev.fargatescaler.domain.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatchUpProjectsTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private final LifecycleFixtures.Registry registry = new LifecycleFixtures.Registry();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final LifecycleFixtures.MutableClock clock = new LifecycleFixtures.MutableClock(NOW);

    private CatchUpProjects projects(List<Long> listed, ProjectRegistry registry) {
        return new CatchUpProjects(listed, registry, Duration.ofDays(7), metrics, clock);
    }

    private static double last(RecordingMetrics metrics, String name) {
        return metrics.points().stream().filter(p -> p.name().equals(name)).reduce((a, b) -> b).orElseThrow().value();
    }

    @Test
    void activeProjectsAreTheListedOnesPlusThoseSeenRecentlyLeastRecentlySweptFirst() {
        registry.seen(1, NOW.minus(Duration.ofHours(1)));
        registry.swept(1, NOW.minus(Duration.ofMinutes(5)));
        registry.seen(2, NOW.minus(Duration.ofMinutes(1)));
        registry.swept(2, NOW.minus(Duration.ofMinutes(15)));
        registry.seen(3, NOW.minus(Duration.ofSeconds(30)));            // never swept: first
        registry.seen(4, NOW.minus(Duration.ofDays(8)));                // not active any more
        registry.swept(5, NOW.minus(Duration.ofMinutes(10)));           // listed, swept before, never seen

        CatchUpProjects.Run run = projects(List.of(5L, 6L), registry).start();

        assertThat(run.projects()).containsExactly(6L, 3L, 2L, 5L, 1L);
    }

    @Test
    void theSweepAgeIsTheLongestAnActiveProjectWentUnswept() {
        registry.seen(1, NOW.minus(Duration.ofHours(1)));
        registry.swept(1, NOW.minus(Duration.ofMinutes(5)));
        registry.seen(2, NOW.minus(Duration.ofHours(1)));
        registry.swept(2, NOW.minus(Duration.ofMinutes(12)));
        CatchUpProjects.Run run = projects(List.of(), registry).start();

        clock.advance(Duration.ofSeconds(20));
        run.swept(2);                                  // 12 min 20 s after its previous sweep
        clock.advance(Duration.ofSeconds(20));
        long age = run.finish();                        // 1 was not swept: 5 min 40 s

        assertThat(age).isEqualTo(12 * 60 + 20);
        assertThat(last(metrics, CatchUpProjects.METRIC_SWEEP_AGE)).isEqualTo(12 * 60 + 20);
        assertThat(last(metrics, CatchUpProjects.METRIC_PROJECTS)).isEqualTo(2);
        assertThat(registry.projects.get(2L).lastSweptAt()).isEqualTo(NOW.plusSeconds(20));
    }

    @Test
    void aNewProjectIsAsOldAsItsFirstSighting() {
        registry.seen(1, NOW.minus(Duration.ofMinutes(3)));

        long age = projects(List.of(), registry).start().finish();

        assertThat(age).isEqualTo(180);
    }

    @Test
    void anUnreadableRegistryLeavesTheListedProjectsAndIsCounted() {
        registry.readFailure = new RetryableException("AwsUnavailable", "DynamoDB down");

        CatchUpProjects.Run run = projects(List.of(42L), registry).start();

        assertThat(run.projects()).containsExactly(42L);
        assertThat(metrics.sum(CatchUpProjects.METRIC_DISCOVERY_FAILED)).isEqualTo(1);
    }

    @Test
    void aSweepThatCannotBeRecordedIsCountedAndOnlyTheOrderSuffers() {
        registry.seen(1, NOW);
        registry.writeFailure = new RetryableException("AwsUnavailable", "DynamoDB down");
        CatchUpProjects.Run run = projects(List.of(), registry).start();

        run.swept(1);

        assertThat(metrics.sum(CatchUpProjects.METRIC_SWEEP_NOT_RECORDED)).isEqualTo(1);
    }

    @Test
    void withoutRegistryOrListThereIsNothingToDo() {
        assertThat(projects(List.of(), null).enabled()).isFalse();
        assertThat(projects(List.of(1L), null).enabled()).isTrue();
        assertThat(projects(List.of(), registry).enabled()).isTrue();
    }
}
