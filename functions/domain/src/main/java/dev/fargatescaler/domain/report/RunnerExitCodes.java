package dev.fargatescaler.domain.report;

/**
 * The runner container's exit codes that say what a task did. They are defined, and documented, in the header of
 * {@code runner/entrypoint.sh}, which reads the runner's log to choose them; {@code RunnerExitCodesTest} fails
 * when these copies drift from it. An image without that entrypoint exits 0 whether or not a job ran.
 */
public final class RunnerExitCodes {

    /** The runner took a job and ran it (whatever the job's own result). */
    public static final int JOB_RAN = 0;
    /** GitLab refused the runner token (HTTP 403 on job requests): no job ran. */
    public static final int TOKEN_REFUSED = 77;
    /** The task is misconfigured (sysexits EX_CONFIG): the runner was not started. */
    public static final int MISCONFIGURED = 78;
    /** No job came within the wait timeout: no job ran. */
    public static final int NO_JOB = 79;

    private RunnerExitCodes() {
    }
}
