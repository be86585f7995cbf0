package dev.fargatescaler.domain.launch;

import dev.fargatescaler.domain.environment.Environment;

/**
 * Port: the ECS calls the scaler makes. Implementations throw
 * {@link dev.fargatescaler.domain.errors.RetryableException} for throttling (after the SDK's own adaptive
 * retries), 5xx and network trouble, and {@link dev.fargatescaler.domain.errors.ConfigurationException} for
 * access and parameter errors.
 */
public interface EcsTasks {

    /** Tasks of this environment (its {@code group}) that ECS has not stopped yet, in its cluster. */
    int countActiveTasks(Environment environment);

    /** Whether a task with this {@code startedBy} exists in the environment's cluster and is not stopped. */
    boolean hasActiveTask(Environment environment, String startedBy);

    LaunchResult runTask(TaskLaunch launch);

    /**
     * Whether the task has stopped or is stopping, as ECS reports it now ({@code DescribeTasks}); a task ECS no
     * longer knows counts as stopped.
     */
    boolean hasStopped(Environment environment, String taskArn);
}
