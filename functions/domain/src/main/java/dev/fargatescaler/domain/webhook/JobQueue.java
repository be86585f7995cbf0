package dev.fargatescaler.domain.webhook;

import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.job.PendingJob;

/** Port: the queue between the webhook (and the sweeper and reporter) and the scaler. */
public interface JobQueue {

    /**
     * Queues one pending job.
     *
     * @throws RetryableException when the queue cannot be reached; nothing was queued
     */
    void enqueue(PendingJob job);
}
