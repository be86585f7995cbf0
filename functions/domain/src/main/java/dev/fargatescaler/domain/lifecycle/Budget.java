package dev.fargatescaler.domain.lifecycle;

/**
 * How much of a run is left. The Lambda adapter answers from the invocation's remaining time, so that the
 * sweeper stops its work in time to finish cleanly (and flush its metrics) instead of being cut off.
 */
@FunctionalInterface
public interface Budget {

    boolean exhausted();

    Budget UNLIMITED = () -> false;
}
