package dev.fargatescaler.domain.gitlab;

import dev.fargatescaler.domain.errors.PermanentException;

/**
 * GitLab will not list a project's jobs for this token: 404 {@code Project Not Found} (no such project, or the
 * token's user cannot see it) or 403 (a member without {@code read_build}). Retrying does not help until the
 * token's access changes; the other projects may be fine. See {@link JobLookup#ACCESS_HINT}.
 */
public final class ProjectNotVisibleException extends PermanentException {

    private final long projectId;
    private final int status;

    public ProjectNotVisibleException(long projectId, int status, String gitLabMessage) {
        super("ProjectNotVisible", "project " + projectId + " is not visible with this token (GitLab answered "
                + status + (gitLabMessage == null || gitLabMessage.isBlank() ? "" : " \"" + gitLabMessage + "\"")
                + "); " + JobLookup.ACCESS_HINT);
        this.projectId = projectId;
        this.status = status;
    }

    public long projectId() {
        return projectId;
    }

    public int status() {
        return status;
    }
}
