package dev.fargatescaler.domain.launch;

/** What RunTask answered when it did not throw. */
public sealed interface LaunchResult {

    /** A task was created (it may still fail to start: the reporter sees that). */
    record Started(String taskArn) implements LaunchResult {
    }

    /**
     * HTTP 200 with no task and a {@code failures[]} entry, for example
     * {@code "Capacity is unavailable at this time. Please try again later or in a different availability zone"}.
     */
    record Failed(String reason, String detail) implements LaunchResult {
    }
}
