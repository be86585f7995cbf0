package dev.fargatescaler.domain.job;

import java.time.Instant;
import java.util.Objects;

/**
 * The queue message: one job that became pending, as the webhook (or the catch-up sweeper, or a relaunch) saw
 * it. Compact and versioned ({@link PendingJobCodec#VERSION}); the scaler never trusts it for anything that
 * matters (tags, status, which GitLab to call): it asks the GitLab API configured on its side.
 *
 * @param instanceUrl  the {@code X-Gitlab-Instance} header: informational only, never used to call GitLab
 * @param receivedAt   when this product first saw the job; the start of the "webhook to RunTask" latency
 * @param dedupKey     the delivery's {@code Idempotency-Key}, else {@code project:job:status}
 * @param attempt      0 for the first launch; incremented by each relaunch after a task failed to start
 * @param source       who queued it: {@code webhook}, {@code catch-up} or {@code relaunch}
 */
public record PendingJob(
        long projectId,
        String projectPath,
        long jobId,
        String jobName,
        String stage,
        String ref,
        Long pipelineId,
        String sha,
        Integer retriesCount,
        String instanceUrl,
        Instant jobCreatedAt,
        Instant receivedAt,
        String dedupKey,
        int attempt,
        String source) {

    public static final String SOURCE_WEBHOOK = "webhook";
    public static final String SOURCE_CATCH_UP = "catch-up";
    public static final String SOURCE_RELAUNCH = "relaunch";

    public PendingJob {
        if (projectId <= 0 || jobId <= 0) {
            throw new IllegalArgumentException("projectId and jobId must be positive");
        }
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative");
        }
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(source, "source");
    }

    /** The message for a job that just became pending according to a webhook. */
    public static PendingJob fromHook(JobHook hook, String instanceUrl, Instant receivedAt, String idempotencyKey) {
        String dedupKey = idempotencyKey != null && !idempotencyKey.isBlank()
                ? idempotencyKey
                : hook.projectId() + ":" + hook.jobId() + ":" + hook.status();
        return new PendingJob(hook.projectId(), hook.projectPath(), hook.jobId(), hook.jobName(), hook.stage(),
                hook.ref(), hook.pipelineId(), hook.sha(), hook.retriesCount(), instanceUrl, hook.createdAt(),
                receivedAt, dedupKey, 0, SOURCE_WEBHOOK);
    }

    /** The same job queued again after its task failed to start; the receipt time is kept for latency. */
    public PendingJob nextAttempt() {
        return new PendingJob(projectId, projectPath, jobId, jobName, stage, ref, pipelineId, sha, retriesCount,
                instanceUrl, jobCreatedAt, receivedAt, projectId + ":" + jobId + ":relaunch:" + (attempt + 1),
                attempt + 1, SOURCE_RELAUNCH);
    }
}
