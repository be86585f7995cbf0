package dev.fargatescaler.domain.environment;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The environments as one container knows them, and how old that knowledge is.
 *
 * @param environments what the last successful load returned; null if no load has succeeded yet
 * @param loadedAt     when that load happened; null for a list that cannot change while the container lives
 *                     (inline configuration, tests) or that was never loaded
 * @param maxAge       how long a loaded list counts as fresh (the refresh TTL)
 * @param unavailable  why there is no list, when {@code environments} is null
 */
public record EnvironmentsSnapshot(Environments environments, Instant loadedAt, Duration maxAge,
                                   RuntimeException unavailable) {

    public EnvironmentsSnapshot {
        if (environments == null) {
            Objects.requireNonNull(unavailable, "a snapshot without environments says why");
        }
    }

    /** A list that cannot change while the container lives: always fresh. */
    public static EnvironmentsSnapshot fixed(Environments environments) {
        return new EnvironmentsSnapshot(Objects.requireNonNull(environments), null, null, null);
    }

    public boolean available() {
        return environments != null;
    }

    /** The environments; throws why there are none when no load has succeeded yet. */
    public Environments environmentsOrThrow() {
        if (environments == null) {
            throw unavailable;
        }
        return environments;
    }

    /** Whether no environment is configured (a successful load that found none). */
    public boolean empty() {
        return environments != null && environments.all().isEmpty();
    }

    /**
     * Whether this list can be trusted to say a job is unroutable: it was loaded no earlier than the job was
     * queued, and it is within its TTL. A job queued before the list was loaded may be meant for an environment
     * added in between; a list past its TTL may have missed one.
     */
    public boolean freshFor(Instant queuedAt, Instant now) {
        if (environments == null) {
            return false;
        }
        if (loadedAt == null) {
            return true;
        }
        return !loadedAt.isBefore(queuedAt) && !now.isAfter(loadedAt.plus(maxAge));
    }
}
