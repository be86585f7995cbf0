package dev.fargatescaler.shared.lambda;

import dev.fargatescaler.domain.metrics.MetricUnit;
import dev.fargatescaler.domain.metrics.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;

/**
 * Writes metrics as CloudWatch Embedded Metric Format through Powertools' functional API (no AspectJ): points
 * are grouped by dimension set during an invocation, and {@link #flush()} writes one EMF document per set.
 * CloudWatch extracts the metrics from the function's log stream asynchronously, so emitting costs no API call.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
public final class EmfMetrics implements Metrics {

    private record Point(String name, double value, MetricUnit unit) {
    }

    private final String namespace;
    private final Map<Map<String, String>, List<Point>> pending = new LinkedHashMap<>();

    public EmfMetrics(String namespace) {
        // MetricsFactory is deliberately NOT touched here (only in flush, after any snapshot): loading it registers
        // Powertools' own SnapStart hook, which preloads the classes listed in its classesloaded.txt, including
        // AspectJ-woven ones; without AspectJ on the class path that throws NoClassDefFoundError
        // (powertools-common 2.9.0 ClassPreLoader catches only ClassNotFoundException) and fails the snapshot.
        this.namespace = namespace;
    }

    /**
     * SnapStart priming: builds and serialises one EMF document in memory (the EMF model and Jackson's
     * introspection of it are most of a first flush) and discards it. Nothing is written, so no metric is emitted,
     * and Powertools' MetricsFactory stays untouched (see the constructor).
     */
    public void prime() {
        try {
            var context = new software.amazon.cloudwatchlogs.emf.model.MetricsContext();
            context.setNamespace(namespace);
            context.putDimension(software.amazon.cloudwatchlogs.emf.model.DimensionSet.of("Environment", "priming"));
            context.putMetric("Priming", 1, software.amazon.cloudwatchlogs.emf.model.Unit.COUNT);
            context.putMetric("PrimingLatency", 1, software.amazon.cloudwatchlogs.emf.model.Unit.MILLISECONDS);
            context.serialize();
        } catch (Exception e) {
            throw new IllegalStateException("EMF priming failed", e);
        }
    }

    @Override
    public synchronized void record(String name, double value, MetricUnit unit, Map<String, String> dimensions) {
        pending.computeIfAbsent(Map.copyOf(dimensions), d -> new ArrayList<>()).add(new Point(name, value, unit));
    }

    @Override
    public synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        var metrics = MetricsFactory.getMetricsInstance();
        for (var entry : pending.entrySet()) {
            metrics.flushMetrics(m -> {
                m.setNamespace(namespace);
                if (!entry.getKey().isEmpty()) {
                    m.addDimension(DimensionSet.of(entry.getKey()));
                }
                for (Point point : entry.getValue()) {
                    m.addMetric(point.name(), point.value(), unitOf(point.unit()));
                }
            });
        }
        pending.clear();
    }

    private static software.amazon.lambda.powertools.metrics.model.MetricUnit unitOf(MetricUnit unit) {
        return switch (unit) {
            case COUNT -> software.amazon.lambda.powertools.metrics.model.MetricUnit.COUNT;
            case MILLISECONDS -> software.amazon.lambda.powertools.metrics.model.MetricUnit.MILLISECONDS;
            case SECONDS -> software.amazon.lambda.powertools.metrics.model.MetricUnit.SECONDS;
            case NONE -> software.amazon.lambda.powertools.metrics.model.MetricUnit.NONE;
        };
    }
}
