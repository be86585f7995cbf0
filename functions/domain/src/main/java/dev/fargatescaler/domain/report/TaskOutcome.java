package dev.fargatescaler.domain.report;

/**
 * Why a task stopped, as operators care about it. {@link #metricName()} is the {@code Outcome} dimension of
 * {@code TasksStopped} and the {@code outcome} field of the task report: stable, never renamed.
 */
public enum TaskOutcome {
    /**
     * The runner's container exited with code 0: the runner took a job and ran it (the job itself may have passed or
     * failed: that is GitLab's to say). With an image older than the entrypoint's exit codes, also an idle runner.
     */
    SUCCEEDED("Succeeded"),
    /** No job came within the wait timeout (exit 79): most likely another runner took the job. Billed all the same. */
    IDLE("Idle"),
    /** GitLab refused the runner token (exit 77): the environment's token was reset or its runner deleted. */
    RUNNER_REFUSED("RunnerRefused"),
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
