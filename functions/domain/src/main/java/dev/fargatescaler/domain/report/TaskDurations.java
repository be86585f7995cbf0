package dev.fargatescaler.domain.report;

import java.time.Duration;
import java.time.Instant;

/**
 * The phases of a task's life, from the event's timestamps. Each is null when a timestamp it needs is missing
 * (a task that failed to start has no {@code startedAt}) or the two are out of order.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html
 *
 * @param provisioning {@code createdAt} → {@code pullStartedAt}: capacity and network (ENI) provisioning
 * @param imagePull    {@code pullStartedAt} → {@code pullStoppedAt}
 * @param startLatency {@code createdAt} → {@code startedAt}: what a waiting CI job feels
 * @param run          {@code startedAt} → {@code executionStoppedAt} (else {@code stoppedAt})
 */
public record TaskDurations(Duration provisioning, Duration imagePull, Duration startLatency, Duration run) {

    public static TaskDurations of(TaskStateChange task) {
        return new TaskDurations(
                TaskStateChange.between(task.createdAt(), task.pullStartedAt()),
                TaskStateChange.between(task.pullStartedAt(), task.pullStoppedAt()),
                TaskStateChange.between(task.createdAt(), task.startedAt()),
                TaskStateChange.between(task.startedAt(), task.endOfExecution()));
    }

    /**
     * The time Fargate bills: from the start of the image pull to the task's end, rounded up to the second,
     * at least one minute; zero when the pull never started (Fargate charges nothing then).
     * https://aws.amazon.com/fargate/pricing/
     */
    public static Duration billed(TaskStateChange task) {
        Instant from = task.pullStartedAt() != null ? task.pullStartedAt() : task.startedAt();
        Instant to = task.stoppedAt() != null ? task.stoppedAt() : task.executionStoppedAt();
        Duration span = TaskStateChange.between(from, to);
        if (span == null) {
            return Duration.ZERO;
        }
        long seconds = span.toSeconds() + (span.toNanosPart() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(60, seconds));
    }
}
