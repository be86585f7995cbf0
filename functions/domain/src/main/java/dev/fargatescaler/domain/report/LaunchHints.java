package dev.fargatescaler.domain.report;

import dev.fargatescaler.domain.environment.SizeClass;

/**
 * The non-secret hints the scaler passes to a task as container environment overrides (see
 * {@code dev.fargatescaler.domain.launch.JobLauncher}). ECS copies RunTask's overrides into every Task State
 * Change event, which is how they reach the reporter (tags do not).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 */
public final class LaunchHints {

    /** The launch attempt: 0 for the first task of a job, incremented by each relaunch. */
    public static final String ATTEMPT = "GLFS_ATTEMPT";
    /** The job's size class; absent for the environment's own size. */
    public static final String SIZE_CLASS = "GLFS_SIZE_CLASS";
    /**
     * Which task definition secret variable holds the runner token of the task's size class (runner/entrypoint.sh);
     * absent for the environment's own token. A variable name, never a token.
     */
    public static final String TOKEN_VARIABLE = "RUNNER_TOKEN_VARIABLE";

    private LaunchHints() {
    }

    /** The task's attempt number; 0 when the hint is missing or unreadable (a first launch). */
    public static int attempt(TaskStateChange task) {
        String value = task.environmentOverrides().get(ATTEMPT);
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The task's size class: {@code default} when the hint is missing (the environment's own size). */
    public static String sizeClass(TaskStateChange task) {
        String value = task.environmentOverrides().get(SIZE_CLASS);
        return value == null || value.isBlank() ? SizeClass.DEFAULT_NAME : value.strip();
    }
}
