package dev.fargatescaler.domain.capacity;

/**
 * Whether one more task may start in an environment.
 *
 * @param active tasks counted as active: those ECS lists plus those launched earlier in this batch
 * @param limit  the environment's {@code maxConcurrentTasks}
 */
public record CapacityDecision(boolean available, int active, int limit) {

    public static CapacityDecision of(int active, int limit) {
        return new CapacityDecision(active < limit, active, limit);
    }
}
