package dev.fargatescaler.domain.launch;

/**
 * One SQS message as the scaler receives it.
 *
 * @param receiveCount SQS {@code ApproximateReceiveCount}: 1 on the first delivery
 */
public record QueueMessage(String messageId, String receiptHandle, String body, int receiveCount) {
}
