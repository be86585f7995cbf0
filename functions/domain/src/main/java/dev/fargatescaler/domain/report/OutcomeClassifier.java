package dev.fargatescaler.domain.report;

import dev.fargatescaler.domain.lifecycle.ReaperReason;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies a stopped task from its {@code stopCode}, {@code stoppedReason} and the runner container's exit
 * code. ECS reports start failures in two shapes, both handled: {@code stopCode: TaskFailedToStart} with the
 * error in a container's {@code reason}, or the error name at the start of {@code stoppedReason}
 * ({@code "CannotPullContainerError: ..."}, {@code "ResourceInitializationError: ..."}).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html (stopCode)
 */
public final class OutcomeClassifier {

    public static final String TASK_FAILED_TO_START = "TaskFailedToStart";
    public static final String ESSENTIAL_CONTAINER_EXITED = "EssentialContainerExited";
    public static final String SPOT_INTERRUPTION = "SpotInterruption";
    /** The older form of a Fargate Spot interruption's stop code. */
    public static final String TERMINATION_NOTICE = "TerminationNotice";

    /**
     * Error names from ECS's stopped-task error documentation that mean "the task could not start". The
     * {@code Reason} metric dimension only takes these values (or {@code Other}), so that a new error text can
     * never create an unbounded number of metrics.
     */
    public static final Set<String> START_FAILURES = Set.of(
            "CannotPullContainerError", "ResourceInitializationError", "CannotStartContainerError",
            "CannotCreateVolumeError", "CannotInspectContainerError", "ContainerRuntimeError",
            "ContainerRuntimeTimeoutError", "InternalError", "TaskFailedToStart");

    private static final Pattern ERROR_NAME = Pattern.compile("^\\s*([A-Z][A-Za-z]{2,60}(?:Error|Exception))\\b");

    /**
     * The result.
     *
     * @param reason   a short code: the error name for start failures ({@code CannotPullContainerError}), the
     *                 stop code for interruptions and other stops, {@code NoJob}, {@code TokenRefused},
     *                 {@code Misconfigured} or {@code ExitCode} for what the runner container said
     * @param exitCode the runner container's exit code, when ECS reported one
     */
    public record Classification(TaskOutcome outcome, String reason, Integer exitCode) {

        /** {@link #reason()} limited to a known set, for use as a metric dimension. */
        public String metricReason() {
            return START_FAILURES.contains(reason) ? reason : "Other";
        }

        /**
         * Whether the task ran a job: true after a job, false when it certainly ran none (never started, idle,
         * refused, misconfigured, reaped before RUNNING), null when the event cannot tell (a stop or a crash while
         * the runner may have had a job).
         */
        public Boolean ranJob() {
            return switch (outcome) {
                case SUCCEEDED -> true;
                case IDLE, RUNNER_REFUSED, FAILED_TO_START -> false;
                case RUNNER_FAILED -> MISCONFIGURED.equals(reason) ? false : null;
                case REAPED -> STUCK_BEFORE_RUNNING.equals(reason) ? false : null;
                default -> null;
            };
        }
    }

    /** Reasons of the outcomes that the runner's exit code decides (runner/entrypoint.sh, RunnerExitCodes). */
    public static final String NO_JOB = "NoJob";
    public static final String TOKEN_REFUSED = "TokenRefused";
    public static final String MISCONFIGURED = "Misconfigured";
    public static final String STUCK_BEFORE_RUNNING = "StuckBeforeRunning";

    private OutcomeClassifier() {
    }

    public static Classification classify(TaskStateChange task) {
        String stopCode = task.stopCode();
        Integer exitCode = task.runnerContainer().map(TaskStateChange.Container::exitCode).orElse(null);
        if (ReaperReason.isReaper(task.stoppedReason())) {
            return new Classification(TaskOutcome.REAPED, ReaperReason.isStuck(task.stoppedReason())
                    ? STUCK_BEFORE_RUNNING : "OverLifetime", exitCode);
        }
        if (SPOT_INTERRUPTION.equals(stopCode) || TERMINATION_NOTICE.equals(stopCode)) {
            return new Classification(TaskOutcome.SPOT_INTERRUPTED, stopCode, exitCode);
        }
        Optional<String> error = errorName(task);
        boolean knownStartError = error.filter(START_FAILURES::contains).isPresent();
        if (TASK_FAILED_TO_START.equals(stopCode) || knownStartError && task.startedAt() == null) {
            return new Classification(TaskOutcome.FAILED_TO_START, error.orElse(TASK_FAILED_TO_START), exitCode);
        }
        if (stopCode == null || ESSENTIAL_CONTAINER_EXITED.equals(stopCode)) {
            if (exitCode != null) {
                return byExitCode(exitCode, error);
            }
        }
        // UserInitiated (someone else stopped it), ServiceSchedulerInitiated, InfrastructureHealth, unknown codes.
        return new Classification(TaskOutcome.OTHER,
                stopCode != null ? stopCode : error.orElse("Unknown"), exitCode);
    }

    /**
     * A container that exited by itself: its exit code is what the entrypoint decided from the runner's log
     * (runner/entrypoint.sh). A stop from outside (StopTask, Spot, the reaper) is judged by its stop code instead.
     */
    private static Classification byExitCode(int exitCode, Optional<String> error) {
        return switch (exitCode) {
            case RunnerExitCodes.JOB_RAN -> new Classification(TaskOutcome.SUCCEEDED, "ExitCode", exitCode);
            case RunnerExitCodes.NO_JOB -> new Classification(TaskOutcome.IDLE, NO_JOB, exitCode);
            case RunnerExitCodes.TOKEN_REFUSED -> new Classification(TaskOutcome.RUNNER_REFUSED, TOKEN_REFUSED,
                    exitCode);
            case RunnerExitCodes.MISCONFIGURED -> new Classification(TaskOutcome.RUNNER_FAILED, MISCONFIGURED,
                    exitCode);
            default -> new Classification(TaskOutcome.RUNNER_FAILED, error.orElse("ExitCode"), exitCode);
        };
    }

    /** The error name at the start of {@code stoppedReason}, else of the first container reason that has one. */
    static Optional<String> errorName(TaskStateChange task) {
        Optional<String> fromTask = errorName(task.stoppedReason());
        if (fromTask.isPresent()) {
            return fromTask;
        }
        return task.containers().stream().map(c -> errorName(c.reason())).flatMap(Optional::stream).findFirst();
    }

    static Optional<String> errorName(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = ERROR_NAME.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
