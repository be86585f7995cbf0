package dev.fargatescaler.domain.gitlab;

import java.util.List;
import java.util.Optional;

/**
 * Port: the few GitLab REST API calls this product makes, always against the GitLab base URL from its own
 * configuration (never a URL taken from a webhook) with a {@code read_api} token.
 *
 * <p>Errors: 429 and 5xx and network failures throw
 * {@link dev.fargatescaler.domain.errors.RetryableException} (with {@code Retry-After} when given);
 * 401 and a 403 about the token itself (wrong scope, blocked user) throw
 * {@link dev.fargatescaler.domain.errors.ConfigurationException}.
 */
public interface GitLabApi {

    /**
     * The job, or empty when GitLab does not return it (any 404 or a 403). Callers that decide a job's fate use
     * {@link #lookup}, which tells "the job is gone" from "the token cannot see it".
     */
    Optional<GitLabJob> job(long projectId, long jobId);

    /**
     * The job, or why GitLab did not return it. Adapters that can tell GitLab's answers apart override this; the
     * default reads {@link #job}'s empty answer as {@link JobLookup.Gone}, which is right for doubles that model
     * only existing and deleted jobs.
     */
    default JobLookup lookup(long projectId, long jobId) {
        return job(projectId, jobId).<JobLookup>map(JobLookup.Found::new)
                .orElseGet(() -> new JobLookup.Gone("404 Not found"));
    }

    /**
     * One page of a project's pending jobs ({@code GET /projects/:id/jobs?scope[]=pending}), newest first.
     *
     * @param cursor null for the first page, else {@link Page#nextCursor()} of the previous page
     * @throws ProjectNotVisibleException when GitLab answers 404 or 403 for the project
     */
    Page pendingJobs(long projectId, String cursor);

    /** A page of jobs and the cursor of the next page (null on the last page). */
    record Page(List<GitLabJob> jobs, String nextCursor) {
        public Page {
            jobs = List.copyOf(jobs);
        }
    }
}
