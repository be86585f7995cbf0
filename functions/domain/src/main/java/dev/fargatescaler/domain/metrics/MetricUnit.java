package dev.fargatescaler.domain.metrics;

/** The CloudWatch units this product uses. */
public enum MetricUnit {
    COUNT, MILLISECONDS, SECONDS, NONE
}
