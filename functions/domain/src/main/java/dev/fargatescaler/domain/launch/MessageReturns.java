package dev.fargatescaler.domain.launch;

import static dev.fargatescaler.domain.launch.ScalerMetrics.REQUEUED;

import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.webhook.JobQueue;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a message the scaler does not acknowledge goes back: visible again after a growing delay, or, for a job
 * that is waiting (for capacity, for its environments) or hit a transient error on one of its last receives,
 * queued afresh so that it never reaches the dead-letter queue merely by waiting. Every method answers what the
 * batch response must say about the message: true to acknowledge it, false to return it.
 */
final class MessageReturns {

    private static final Logger LOG = LoggerFactory.getLogger(MessageReturns.class);

    private final MessageVisibility visibility;
    private final JobQueue queue;
    private final Metrics metrics;
    private final Backoff backoff;
    private final int requeueAtReceiveCount;

    MessageReturns(MessageVisibility visibility, JobQueue queue, Metrics metrics, Backoff backoff,
                   int requeueAtReceiveCount) {
        if (requeueAtReceiveCount < 1) {
            throw new IllegalArgumentException("requeueAtReceiveCount must be at least 1");
        }
        this.visibility = visibility;
        this.queue = queue;
        this.metrics = metrics;
        this.backoff = backoff;
        this.requeueAtReceiveCount = requeueAtReceiveCount;
    }

    /** Whether the message has been received often enough that a wait must continue in a fresh copy. */
    boolean nearDeadLetter(QueueMessage message) {
        return message.receiveCount() >= requeueAtReceiveCount;
    }

    /**
     * A wait (capacity, environments) is a normal condition, not a failure: the message comes back later, and
     * before it could be received {@code maxReceiveCount} times (and so land in the dead-letter queue) it is queued
     * afresh.
     */
    boolean defer(QueueMessage message, PendingJob job) {
        if (nearDeadLetter(message)) {
            return requeueAfresh(message, job, Optional.empty());
        }
        return retryLater(message, Optional.empty());
    }

    /**
     * Queues a fresh copy of the job (its receive count starts again at zero) and acknowledges the old message.
     * The copy is sent with no delay: the backoff restarts at its base.
     */
    boolean requeueAfresh(QueueMessage message, PendingJob job, Optional<Duration> retryAfter) {
        try {
            queue.enqueue(job);
            metrics.count(REQUEUED);
            LOG.info("job queued afresh after {} receives, so that it does not reach the dead-letter queue",
                    message.receiveCount());
            return true;
        } catch (RuntimeException e) {
            LOG.warn("could not queue the job afresh ({}); it stays in the queue", e.getMessage());
            return retryLater(message, retryAfter);
        }
    }

    /** Returns the message, visible again after the backoff for its receive count (or GitLab's Retry-After). */
    boolean retryLater(QueueMessage message, Optional<Duration> retryAfter) {
        Duration delay = backoff.delay(message.receiveCount(), retryAfter);
        try {
            visibility.delay(message.receiptHandle(), delay);
            LOG.info("message returned to the queue, visible again in {} s (receive count {})", delay.toSeconds(),
                    message.receiveCount());
        } catch (RuntimeException e) {
            LOG.warn("could not change the message's visibility ({}); it comes back after the queue's default "
                    + "visibility timeout", e.getMessage());
        }
        return false;
    }

    /** Returns an unprocessed message at once (visible again in a second): the invocation is out of time. */
    void returnUnprocessed(QueueMessage message) {
        try {
            visibility.delay(message.receiptHandle(), Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            LOG.warn("could not change the message's visibility ({})", e.getMessage());
        }
    }
}
