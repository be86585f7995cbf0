package dev.fargatescaler.bench.crac;

/**
 * Stand-in for {@code jdk.crac.Resource}. With {@code -Dorg.crac.Core.Compat=dev.fargatescaler.bench.crac} the
 * {@code org.crac} facade that the functions use registers their resources here, so that a plain JDK can run the
 * same before-checkpoint/after-restore hooks that Lambda SnapStart runs, without taking a real snapshot.
 */
public interface Resource {

    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    void afterRestore(Context<? extends Resource> context) throws Exception;
}
