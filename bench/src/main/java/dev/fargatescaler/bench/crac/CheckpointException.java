package dev.fargatescaler.bench.crac;

/** Stand-in for {@code jdk.crac.CheckpointException}. */
public class CheckpointException extends Exception {
    private static final long serialVersionUID = 1L;
}
