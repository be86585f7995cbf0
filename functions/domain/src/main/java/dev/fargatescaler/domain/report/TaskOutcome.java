package dev.fargatescaler.domain.report;

/**
 * Why a task stopped, as operators care about it. {@link #metricName()} is the {@code Outcome} dimension of
 * {@code TasksStopped} and the {@code outcome} field of the task report: stable, never renamed.
 */
public enum TaskOutcome {
    /** The runner's container exited with code 0: it ran a job (or waited idle) and ended normally. */
    SUCCEEDED("Succeeded"),
    /** The runner's container exited with a non-zero code: the runner itself failed (not the CI job). */
    RUNNER_FAILED("RunnerFailed"),
    /** The task never ran: image pull, network (ENI, secrets) or container start failed. */
    FAILED_TO_START("FailedToStart"),
    /** Fargate Spot reclaimed the capacity ({@code SpotInterruption}, or the older {@code TerminationNotice}). */
    SPOT_INTERRUPTED("SpotInterrupted"),
    /** The sweeper's reaper stopped it: too old, or stuck before RUNNING. */
    REAPED("Reaped"),
    /** Anything else: stopped by a person or another tool, infrastructure health, unknown. */
    OTHER("Other");

    private final String metricName;

    TaskOutcome(String metricName) {
        this.metricName = metricName;
    }

    public String metricName() {
        return metricName;
    }
}
