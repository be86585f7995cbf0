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
     *                 stop code for interruptions and other stops, {@code ExitCode} for a runner failure
     * @param exitCode the runner container's exit code, when ECS reported one
     */
    public record Classification(TaskOutcome outcome, String reason, Integer exitCode) {

        /** {@link #reason()} limited to a known set, for use as a metric dimension. */
        public String metricReason() {
            return START_FAILURES.contains(reason) ? reason : "Other";
        }
    }

    private OutcomeClassifier() {
    }

    public static Classification classify(TaskStateChange task) {
        String stopCode = task.stopCode();
        Integer exitCode = task.runnerContainer().map(TaskStateChange.Container::exitCode).orElse(null);
        if (ReaperReason.isReaper(task.stoppedReason())) {
            return new Classification(TaskOutcome.REAPED, ReaperReason.isStuck(task.stoppedReason())
                    ? "StuckBeforeRunning" : "OverLifetime", exitCode);
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
                return exitCode == 0
                        ? new Classification(TaskOutcome.SUCCEEDED, "ExitCode", 0)
                        : new Classification(TaskOutcome.RUNNER_FAILED, error.orElse("ExitCode"), exitCode);
            }
        }
        // UserInitiated (someone else stopped it), ServiceSchedulerInitiated, InfrastructureHealth, unknown codes.
        return new Classification(TaskOutcome.OTHER,
                stopCode != null ? stopCode : error.orElse("Unknown"), exitCode);
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
