package dev.fargatescaler.domain.gitlab;

import java.util.List;

/**
 * A job as GitLab's Jobs API reports it ({@code GET /projects/:id/jobs/:job_id}): the authoritative source
 * for the job's tags and current status, unlike the webhook payload.
 * https://docs.gitlab.com/api/jobs/#get-a-single-job
 *
 * @param tags        {@code tag_list}: the job's own tags (empty for an untagged job)
 * @param status      {@code status}: created, pending, running, success, failed, canceled, skipped, manual…
 * @param projectPath the project's full path ({@code group/app}), derived from the job's {@code web_url}; null
 *                    when unknown
 */
public record GitLabJob(long id, long projectId, String status, List<String> tags, String ref, String name,
                        Long pipelineId, String projectPath) {

    public GitLabJob {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A job whose project path is unknown. */
    public GitLabJob(long id, long projectId, String status, List<String> tags, String ref, String name,
                     Long pipelineId) {
        this(id, projectId, status, tags, ref, name, pipelineId, null);
    }

    public boolean isPending() {
        return "pending".equals(status);
    }
}
