package dev.fargatescaler.domain.gitlab;

import java.util.List;
import java.util.Optional;

/**
 * Port: the few GitLab REST API calls this product makes, always against the GitLab base URL from its own
 * configuration (never a URL taken from a webhook) with a {@code read_api} token.
 *
 * <p>Errors: 429 and 5xx and network failures throw
 * {@link dev.fargatescaler.domain.errors.RetryableException} (with {@code Retry-After} when given);
 * 401 and 403 throw {@link dev.fargatescaler.domain.errors.ConfigurationException}.
 */
public interface GitLabApi {

    /** The job, or empty when GitLab answers 404 (deleted job or project, or no access). */
    Optional<GitLabJob> job(long projectId, long jobId);

    /**
     * One page of a project's pending jobs ({@code GET /projects/:id/jobs?scope[]=pending}).
     *
     * @param cursor null for the first page, else {@link Page#nextCursor()} of the previous page
     */
    Page pendingJobs(long projectId, String cursor);

    /** A page of jobs and the cursor of the next page (null on the last page). */
    record Page(List<GitLabJob> jobs, String nextCursor) {
        public Page {
            jobs = List.copyOf(jobs);
        }
    }
}
