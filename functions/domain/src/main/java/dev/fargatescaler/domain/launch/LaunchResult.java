package dev.fargatescaler.domain.launch;

import java.time.Instant;

/** What RunTask answered when it did not throw. */
public sealed interface LaunchResult {

    /**
     * RunTask answered with a task. For a new token it is a new task; for a token ECS has seen before (within its
     * idempotency window) it is the original request's task, which may have stopped long ago: see
     * {@link JobLauncher}, which tells the two apart from the status and creation time given here.
     * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html
     *
     * @param lastStatus    as RunTask returned it, or null when unknown
     * @param desiredStatus as RunTask returned it, or null when unknown
     * @param createdAt     as RunTask returned it, or null when unknown
     */
    record Started(String taskArn, String lastStatus, String desiredStatus, Instant createdAt)
            implements LaunchResult {

        public Started(String taskArn) {
            this(taskArn, null, null, null);
        }

        /** Whether ECS reports the task stopped or stopping: a new task never is, so the token was used before. */
        public boolean stopped() {
            return "STOPPED".equals(lastStatus) || "STOPPED".equals(desiredStatus);
        }
    }

    /**
     * HTTP 200 with no task and a {@code failures[]} entry, for example
     * {@code "Capacity is unavailable at this time. Please try again later or in a different availability zone"}.
     */
    record Failed(String reason, String detail) implements LaunchResult {
    }

    /**
     * {@code ConflictException}: the token was already used with different parameters (the environment's task
     * definition, network or tags changed since), so it belongs to another, earlier launch.
     */
    record TokenConflict(String detail) implements LaunchResult {
    }
}
