package dev.fargatescaler.domain.capacity;

import dev.fargatescaler.domain.environment.Environment;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Capacity bookkeeping for one SQS batch. Each environment's active tasks are counted through ECS once, the
 * first time the batch needs them (ListTasks/DescribeTasks cost API calls and ECS lists a task started a
 * moment ago only after a delay), and every task launched afterwards in the same batch is added by hand.
 *
 * <p>The limit is exact within a batch and approximate across batches that run at the same time (each counts
 * the other's new tasks only once ECS lists them); the event source's {@code MaximumConcurrency} bounds that
 * overshoot. See docs/scaler.md.
 */
public final class BatchCapacity {

    private final ToIntFunction<Environment> activeTaskCounter;
    private final Map<String, Integer> counted = new HashMap<>();
    private final Map<String, Integer> launched = new HashMap<>();

    /** @param activeTaskCounter counts an environment's active tasks in ECS (may throw the port's exceptions) */
    public BatchCapacity(ToIntFunction<Environment> activeTaskCounter) {
        this.activeTaskCounter = activeTaskCounter;
    }

    public CapacityDecision check(Environment environment) {
        Integer active = counted.get(environment.name());
        if (active == null) {
            active = activeTaskCounter.applyAsInt(environment);
            counted.put(environment.name(), active);
        }
        int total = active + launched.getOrDefault(environment.name(), 0);
        return CapacityDecision.of(total, environment.maxConcurrentTasks());
    }

    /** Records a task started in this batch. */
    public void launched(Environment environment) {
        launched.merge(environment.name(), 1, Integer::sum);
    }

    /** Tasks started through this batch in an environment. */
    public int launchedIn(String environment) {
        return launched.getOrDefault(environment, 0);
    }
}
