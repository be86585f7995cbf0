package dev.fargatescaler.domain.gitlab;

import java.util.Objects;

/**
 * GitLab's answer to {@code GET /projects/:id/jobs/:job_id}, with its two kinds of 404 told apart. GitLab answers
 * {@code 404 Project Not Found} when the project does not exist <em>or</em> the token's user cannot see it
 * ({@code find_project!} in GitLab's {@code lib/api/helpers.rb}), {@code 403 Forbidden} to a member who may not
 * read jobs, and {@code 404 Not found} only when the project is readable but has no such job
 * ({@code find_build!} raising RecordNotFound, {@code lib/api/api.rb}). Only the last one means the job is gone;
 * the others mean "we cannot know", and a job must never be dropped on "we cannot know".
 */
public sealed interface JobLookup {

    /**
     * What the token needs to read a project's jobs: the {@code read_api} scope, and a user who is Reporter or
     * above in the project (a Guest only when the project's "Project-based pipeline visibility" is on).
     * https://docs.gitlab.com/user/permissions/
     */
    String ACCESS_HINT = "the GitLab token needs the read_api scope and a user with at least the Reporter role in "
            + "the project (a Guest can read jobs only when the project's \"Project-based pipeline visibility\" "
            + "is on); a deleted project answers the same way";

    /** GitLab returned the job. */
    record Found(GitLabJob job) implements JobLookup {
        public Found {
            Objects.requireNonNull(job);
        }
    }

    /** The project is readable and GitLab has no such job in it ({@code 404 Not found}): deleted, or never was. */
    record Gone(String gitLabMessage) implements JobLookup {
    }

    /**
     * The token cannot see the job: 404 {@code Project Not Found} (no such project, or no access to it), 403
     * (a member without {@code read_build}), or a 404 this adapter cannot attribute (then the safe reading).
     *
     * @param status        GitLab's HTTP status
     * @param gitLabMessage what GitLab said, for the log (never the token)
     */
    record NotVisible(int status, String gitLabMessage) implements JobLookup {
    }
}
