package dev.fargatescaler.shared.aws;

import dev.fargatescaler.domain.launch.MessageVisibility;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@link MessageVisibility} with SQS {@code ChangeMessageVisibility}: the message, reported as a batch-item
 * failure so that Lambda does not delete it, becomes visible again after the given delay.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
 */
public final class SqsMessageVisibility implements MessageVisibility {

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsMessageVisibility(SqsClient sqs, String queueUrl) {
        this.sqs = Objects.requireNonNull(sqs);
        this.queueUrl = Objects.requireNonNull(queueUrl);
    }

    @Override
    public void delay(String receiptHandle, Duration delay) {
        int seconds = (int) Math.max(0, Math.min(delay.toSeconds(), 43_200));
        try {
            sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(receiptHandle)
                    .visibilityTimeout(seconds));
        } catch (SdkException e) {
            throw AwsErrors.classify("ChangeMessageVisibility", e);
        }
    }
}
