package dev.fargatescaler.domain.environment;

/**
 * Port: the environments a function routes and reaps with, kept current while a container lives. Read at init,
 * the list would be frozen into the SnapStart snapshot and every container restored from it, so it is refreshed
 * on a TTL, after each restore, and on demand when a job cannot be routed under an old list
 * (docs/configuration.md says exactly when a change takes effect). See {@link RefreshingEnvironments}.
 */
public interface EnvironmentsProvider {

    /** The list to use now: reloaded first when past its TTL; never fails (a failed reload keeps the last list). */
    EnvironmentsSnapshot current();

    /**
     * Reloads now, unless a reload failed moments ago (then the last list is returned at once, so that a failing
     * store does not hold every message of a batch).
     */
    EnvironmentsSnapshot refresh();

    /** A list that never changes (inline configuration, tests). */
    static EnvironmentsProvider fixed(Environments environments) {
        EnvironmentsSnapshot snapshot = EnvironmentsSnapshot.fixed(environments);
        return new EnvironmentsProvider() {
            @Override
            public EnvironmentsSnapshot current() {
                return snapshot;
            }

            @Override
            public EnvironmentsSnapshot refresh() {
                return snapshot;
            }
        };
    }
}
