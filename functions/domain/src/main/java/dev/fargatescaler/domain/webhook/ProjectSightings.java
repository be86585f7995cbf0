package dev.fargatescaler.domain.webhook;

import java.time.Instant;

/**
 * Port: records that a project sent this deployment an authenticated Job Hook, so that the sweeper's catch-up
 * walks that project's pending jobs without a hand-kept list (see
 * {@link dev.fargatescaler.domain.lifecycle.ProjectRegistry}).
 */
@FunctionalInterface
public interface ProjectSightings {

    /** @throws RuntimeException when the record cannot be written (the caller absorbs it) */
    void seen(long projectId, Instant at);
}
