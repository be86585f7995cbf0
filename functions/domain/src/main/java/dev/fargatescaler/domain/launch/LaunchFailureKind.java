package dev.fargatescaler.domain.launch;

import java.util.Locale;

/**
 * Classifies RunTask's {@code failures[].reason}. The reasons are free text, documented in
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html
 */
public enum LaunchFailureKind {
    /** No capacity now (Fargate or Fargate Spot, or a capacity provider's resources): try later, or on-demand. */
    CAPACITY("Capacity"),
    /** The request can never succeed as configured: missing cluster, task definition, role, permissions. */
    CONFIGURATION("Configuration"),
    /** Anything else: retried later, counted under its own reason. */
    OTHER("Other");

    private final String metricReason;

    LaunchFailureKind(String metricReason) {
        this.metricReason = metricReason;
    }

    public String metricReason() {
        return metricReason;
    }

    public static LaunchFailureKind classify(String reason) {
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (r.contains("capacity") || r.startsWith("resource:") || r.equals("agent")
                || r.contains("no container instances")) {
            return CAPACITY;
        }
        if (r.startsWith("missing") || r.contains("access denied") || r.contains("accessdenied")
                || r.contains("not authorized") || r.contains("inactive") || r.contains("not found")
                || r.contains("does not exist") || r.contains("attribute") || r.contains("invalid")
                || r.contains("not compatible") || r.contains("service linked role")) {
            return CONFIGURATION;
        }
        return OTHER;
    }
}
