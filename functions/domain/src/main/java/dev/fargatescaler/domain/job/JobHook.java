package dev.fargatescaler.domain.job;

import java.time.Instant;

/**
 * The parts of a GitLab Job Hook this product uses. Fields other than {@code jobId}, {@code status} and
 * {@code projectId} are optional: older GitLab instances omit some, and they are informational only.
 *
 * <p>Note what is NOT here: the job's tags. GitLab's Job Hook does not carry them ({@code runner.tags} are the
 * runner's, and the top-level {@code tag} means "the ref is a git tag"); the scaler asks the Jobs API.
 * See https://docs.gitlab.com/user/project/integrations/webhook_events/#job-events
 */
public record JobHook(
        long jobId,
        String status,
        long projectId,
        String projectPath,
        String jobName,
        String stage,
        String ref,
        Long pipelineId,
        String sha,
        Integer retriesCount,
        Instant createdAt) {

    public boolean isPending() {
        return "pending".equals(status);
    }
}
