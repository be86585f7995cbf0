package dev.fargatescaler.bench.crac;

/** Stand-in for {@code jdk.crac.RestoreException}. */
public class RestoreException extends Exception {
    private static final long serialVersionUID = 1L;
}
