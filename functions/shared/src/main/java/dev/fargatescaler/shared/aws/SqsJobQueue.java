package dev.fargatescaler.shared.aws;

import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.webhook.JobQueue;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The job queue on Amazon SQS (a standard queue: see docs/architecture.md for why not FIFO). Any failure to
 * send, after the client's own retries (the webhook's client: ClientSettings.SQS_WEBHOOK), is reported as
 * retryable: the webhook answers GitLab 503 (GitLab does not retry it; the catch-up is the backstop), the other
 * callers keep the work where it was (the message in the queue, the event for Lambda's retry).
 */
public final class SqsJobQueue implements JobQueue {

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsJobQueue(SqsClient sqs, String queueUrl) {
        this.sqs = Objects.requireNonNull(sqs);
        this.queueUrl = Objects.requireNonNull(queueUrl);
    }

    /**
     * SnapStart priming: marshals and signs a SendMessage of {@code sample} without sending it (no message is
     * queued, no connection opened, the function's credentials are not resolved).
     */
    public void prime(PendingJob sample) {
        String body = PendingJobCodec.toJson(sample);
        PrimingInterceptor.marshalAndSign(() -> sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body)
                .overrideConfiguration(o -> o.credentialsProvider(PrimingInterceptor.CREDENTIALS))));
    }

    @Override
    public void enqueue(PendingJob job) {
        String body = PendingJobCodec.toJson(job);
        try {
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
        } catch (SdkException e) {
            RuntimeException classified = AwsErrors.classify("SendMessage", e);
            if (classified instanceof dev.fargatescaler.domain.errors.RetryableException) {
                throw classified;
            }
            // Even a misconfigured queue is "try again later" from GitLab's point of view: the event must not be
            // dropped with a 2xx, and a 4xx would not be retried.
            throw new dev.fargatescaler.domain.errors.RetryableException("QueueMisconfigured",
                    classified.getMessage(), e);
        }
    }
}
