package dev.fargatescaler.shared.lambda;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SnapStart hook: runs a function's priming just before Lambda takes the snapshot of its initialised
 * container, so that classes are loaded and code paths warmed once, in the snapshot, instead of in the first
 * invocation of every restored container. Priming must have no side effects and must capture nothing unique
 * (no random seeds, ids, timestamps, credentials, secrets or open connections): see PrimingInterceptor for
 * SDK calls. https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html
 *
 * <p>org.crac holds registered resources weakly: the handler keeps the instance {@link #register} returns in a
 * field. A priming failure is logged and does not fail the snapshot: the function still works, only slower on
 * its first invocation.
 */
public final class SnapStartPriming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

    private final String name;
    private final Runnable prime;
    private final Runnable afterRestore;

    private SnapStartPriming(String name, Runnable prime, Runnable afterRestore) {
        this.name = name;
        this.prime = prime;
        this.afterRestore = afterRestore;
    }

    /** Registers {@code prime} to run before the snapshot; keep the returned reference. */
    public static SnapStartPriming register(String name, Runnable prime) {
        return register(name, prime, () -> { });
    }

    /** As {@link #register(String, Runnable)}, with {@code afterRestore} run after each restore. */
    public static SnapStartPriming register(String name, Runnable prime, Runnable afterRestore) {
        SnapStartPriming priming = new SnapStartPriming(name, prime, afterRestore);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long start = System.nanoTime();
        try {
            prime.run();
            LOG.info("snapstart priming of {} done in {} ms", name, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("snapstart priming of {} failed; the first invocation will be slower: {}", name, e.toString());
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        afterRestore.run();
    }
}
