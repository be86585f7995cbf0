package dev.fargatescaler.bench.crac;

/** Stand-in for {@code jdk.crac.Context}: see {@link Resource}. */
public abstract class Context<R extends Resource> implements Resource {

    protected Context() {
    }

    public abstract void register(R resource);
}
