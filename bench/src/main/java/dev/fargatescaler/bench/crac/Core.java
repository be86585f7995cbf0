package dev.fargatescaler.bench.crac;

import java.util.ArrayList;
import java.util.List;

/**
 * Stand-in for {@code jdk.crac.Core}: {@link #checkpointRestore()} runs every registered resource's
 * {@code beforeCheckpoint} (last registered first, as CRaC does) and then every {@code afterRestore} (first
 * registered first). That is what SnapStart does around its snapshot; the snapshot itself is not simulated.
 */
public final class Core {

    private static final GlobalContext GLOBAL = new GlobalContext();

    private Core() {
    }

    public static Context<Resource> getGlobalContext() {
        return GLOBAL;
    }

    public static void checkpointRestore() throws CheckpointException, RestoreException {
        try {
            GLOBAL.beforeCheckpoint(null);
        } catch (Exception e) {
            CheckpointException failure = new CheckpointException();
            failure.addSuppressed(e);
            throw failure;
        }
        try {
            GLOBAL.afterRestore(null);
        } catch (Exception e) {
            RestoreException failure = new RestoreException();
            failure.addSuppressed(e);
            throw failure;
        }
    }

    /** How many resources are registered (strongly held here; org.crac itself holds them weakly). */
    public static int registered() {
        synchronized (GLOBAL.resources) {
            return GLOBAL.resources.size();
        }
    }

    private static final class GlobalContext extends Context<Resource> {
        private final List<Resource> resources = new ArrayList<>();

        @Override
        public void register(Resource resource) {
            synchronized (resources) {
                resources.add(resource);
            }
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) throws Exception {
            List<Resource> copy;
            synchronized (resources) {
                copy = new ArrayList<>(resources);
            }
            for (int i = copy.size() - 1; i >= 0; i--) {
                copy.get(i).beforeCheckpoint(this);
            }
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) throws Exception {
            List<Resource> copy;
            synchronized (resources) {
                copy = new ArrayList<>(resources);
            }
            for (Resource resource : copy) {
                resource.afterRestore(this);
            }
        }
    }
}
