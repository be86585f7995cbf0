package dev.fargatescaler.domain.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps every data point in memory. Used by tests to assert on metrics and by local mode to print a summary.
 * Thread-safe.
 */
public final class RecordingMetrics implements Metrics {

    /** One recorded data point. */
    public record Point(String name, double value, MetricUnit unit, Map<String, String> dimensions) {
    }

    private final List<Point> points = new ArrayList<>();

    @Override
    public synchronized void record(String name, double value, MetricUnit unit, Map<String, String> dimensions) {
        points.add(new Point(name, value, unit, Map.copyOf(dimensions)));
    }

    public synchronized List<Point> points() {
        return List.copyOf(points);
    }

    /** Sum of all values recorded under this name, whatever their dimensions. */
    public synchronized double sum(String name) {
        return points.stream().filter(p -> p.name().equals(name)).mapToDouble(Point::value).sum();
    }

    /** Sum of the values recorded under this name whose dimensions include the given pair. */
    public synchronized double sum(String name, String dimension, String value) {
        return points.stream()
                .filter(p -> p.name().equals(name) && Objects.equals(p.dimensions().get(dimension), value))
                .mapToDouble(Point::value).sum();
    }
}
