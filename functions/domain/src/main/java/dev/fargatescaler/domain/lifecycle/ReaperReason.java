package dev.fargatescaler.domain.lifecycle;

/**
 * The {@code reason} the sweeper's reaper gives ECS StopTask. ECS returns it as the task's
 * {@code stoppedReason} (with stop code {@code UserInitiated}), which is how the reporter recognises a reaped
 * task. StopTask accepts at most 255 characters.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html
 */
public final class ReaperReason {

    public static final String PREFIX = "glfs-reaper: ";
    private static final int MAX_LENGTH = 255;

    private ReaperReason() {
    }

    /** The StopTask reason for a task that outlived its environment's maximum lifetime. */
    public static String overLifetime(java.time.Duration age, java.time.Duration maxLifetime) {
        return limit(PREFIX + "running for " + age.toSeconds() + "s, over the environment's maximum lifetime of "
                + maxLifetime.toSeconds() + "s");
    }

    /** The StopTask reason for a task that did not reach RUNNING in time. */
    public static String stuck(String lastStatus, java.time.Duration age, java.time.Duration timeout) {
        return limit(PREFIX + "still " + lastStatus + " after " + age.toSeconds() + "s (limit "
                + timeout.toSeconds() + "s before RUNNING)");
    }

    public static boolean isReaper(String stoppedReason) {
        return stoppedReason != null && stoppedReason.startsWith(PREFIX);
    }

    /** Whether the reaper stopped the task because it was stuck before RUNNING (a job may still be waiting). */
    public static boolean isStuck(String stoppedReason) {
        return isReaper(stoppedReason) && stoppedReason.startsWith(PREFIX + "still ");
    }

    private static String limit(String reason) {
        return reason.length() <= MAX_LENGTH ? reason : reason.substring(0, MAX_LENGTH);
    }
}
