package dev.fargatescaler.domain.launch;

/** Names of the scaler's metrics (CloudWatch, EMF); documented in docs/scaler.md. */
public final class ScalerMetrics {

    public static final String LAUNCHED = "Launched";
    /** {@link #LAUNCHED} by {@code Environment} and {@link #SIZE_CLASS}. */
    public static final String LAUNCHED_BY_SIZE_CLASS = "LaunchedBySizeClass";
    public static final String DEFERRED_FOR_CAPACITY = "DeferredForCapacity";
    public static final String NO_LONGER_PENDING = "NoLongerPending";
    public static final String UNROUTABLE = "Unroutable";
    public static final String REFUSED_BY_GUARD = "RefusedByGuard";
    public static final String LAUNCH_FAILED = "LaunchFailed";
    public static final String SPOT_FALLBACK = "SpotFallback";
    public static final String WEBHOOK_TO_RUN_TASK_LATENCY = "WebhookToRunTaskLatency";
    public static final String ALREADY_LAUNCHED = "AlreadyLaunched";
    public static final String MALFORMED_MESSAGE = "MalformedMessage";
    public static final String RETRYABLE_ERROR = "RetryableError";
    public static final String PERMANENT_ERROR = "PermanentError";
    public static final String REQUEUED = "Requeued";
    public static final String DEFERRED_FOR_TIME = "DeferredForTime";
    /**
     * GitLab would not show the job to this token (404 Project Not Found or 403): the job is kept (retried toward
     * the dead-letter queue). No dimension, so that one alarm covers the scaler, the reporter and the sweeper.
     */
    public static final String JOB_NOT_VISIBLE = "JobNotVisible";
    /** A job no environment takes under a list that may be incomplete (none yet, or an old one): it waits. */
    public static final String DEFERRED_FOR_ENVIRONMENTS = "DeferredForEnvironments";
    /** A RunTask client token that an earlier launch had used: the launch moved on to the next attempt. */
    public static final String SPENT_CLIENT_TOKEN = "SpentClientToken";
    /** How many environments the function knows (0 right after a deploy without environments); no dimension. */
    public static final String ENVIRONMENTS_CONFIGURED = "EnvironmentsConfigured";
    /** No dimension, so that one alarm covers every cause. */
    public static final String CONFIGURATION_ERROR = "ScalerConfigurationError";

    public static final String ENVIRONMENT = "Environment";
    public static final String REASON = "Reason";
    /**
     * The size class ({@code default} for the environment's own size). Only on the {@code ...BySizeClass} metrics,
     * next to {@code Environment}: the metrics that alarms and widgets use keep their dimensions (a CloudWatch
     * metric is its name and its exact dimension set), and a sum over a metric never counts a launch twice.
     */
    public static final String SIZE_CLASS = "SizeClass";
    /** Dimension value when no environment is known (unroutable, GitLab failed before routing). */
    public static final String NO_ENVIRONMENT = "none";

    private ScalerMetrics() {
    }
}
