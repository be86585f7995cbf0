package dev.fargatescaler.domain.metrics;

import java.util.Map;

/**
 * Port for business metrics. The AWS adapter writes CloudWatch Embedded Metric Format through Powertools; tests
 * and local mode use {@link RecordingMetrics}. Dimension sets are kept small and bounded (environment, reason,
 * outcome) so that CloudWatch cost stays predictable.
 */
public interface Metrics {

    /** Records one data point with the given dimensions (may be empty). */
    void record(String name, double value, MetricUnit unit, Map<String, String> dimensions);

    /** Writes everything recorded so far. Handlers call it once at the end of each invocation. */
    default void flush() {
    }

    default void count(String name) {
        record(name, 1, MetricUnit.COUNT, Map.of());
    }

    default void count(String name, String dimension, String value) {
        record(name, 1, MetricUnit.COUNT, Map.of(dimension, value));
    }

    default void count(String name, Map<String, String> dimensions) {
        record(name, 1, MetricUnit.COUNT, dimensions);
    }

    /** A metric that is deliberately discarded: for tools that need none. */
    Metrics NONE = (name, value, unit, dimensions) -> { };
}
