package dev.fargatescaler.domain.launch;

import java.time.Duration;

/**
 * Port: makes one received queue message invisible for a while (SQS {@code ChangeMessageVisibility}), so that
 * the message reported as a batch-item failure comes back after {@code delay} instead of after the queue's
 * default visibility timeout.
 */
@FunctionalInterface
public interface MessageVisibility {

    /**
     * @throws RuntimeException when the change fails; the caller logs it and the message simply comes back
     *                          after the queue's default visibility timeout
     */
    void delay(String receiptHandle, Duration delay);
}
