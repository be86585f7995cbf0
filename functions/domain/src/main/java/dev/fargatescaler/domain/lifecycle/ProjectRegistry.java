package dev.fargatescaler.domain.lifecycle;

import java.time.Instant;
import java.util.List;

/**
 * Port: the GitLab projects that have sent this deployment a webhook, and when the catch-up last walked each one.
 * The webhook records sightings ({@link dev.fargatescaler.domain.webhook.ProjectSightings}); the sweeper reads
 * them here, so that the catch-up covers every active project without a hand-kept list.
 */
public interface ProjectRegistry {

    /**
     * Every project the registry holds (bounded by the adapter), recently seen or not; the caller decides which
     * are active.
     *
     * @throws dev.fargatescaler.domain.errors.RetryableException when the registry cannot be read
     */
    List<KnownProject> projects();

    /** Records that the catch-up finished walking the project's pending jobs at {@code at}. */
    void swept(long projectId, Instant at);

    /**
     * A project as the registry knows it; every instant may be null (a project listed only in
     * {@code CATCH_UP_PROJECT_IDS} has no sighting, a new one no sweep).
     */
    record KnownProject(long projectId, Instant firstSeenAt, Instant lastSeenAt, Instant lastSweptAt) {
    }
}
