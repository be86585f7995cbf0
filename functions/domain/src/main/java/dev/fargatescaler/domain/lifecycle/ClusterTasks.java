package dev.fargatescaler.domain.lifecycle;

import dev.fargatescaler.domain.environment.Environment;
import java.time.Instant;
import java.util.List;

/**
 * Port: the ECS calls the sweeper makes. Implementations throw
 * {@link dev.fargatescaler.domain.errors.RetryableException} for throttling, 5xx and network trouble and
 * {@link dev.fargatescaler.domain.errors.ConfigurationException} for access errors.
 */
public interface ClusterTasks {

    /**
     * The tasks in a cluster that this product started (their {@code startedBy} begins with
     * {@link dev.fargatescaler.domain.task.TaskNaming#STARTED_BY_PREFIX}) and ECS has not decided to stop, in the
     * environment's cluster, in the environment's account ({@link Environment#account()}).
     */
    List<Task> ourTasks(Environment environment);

    /** Stops a task of the environment's cluster; ECS records {@code reason} as the task's {@code stoppedReason}. */
    void stop(Environment environment, String taskArn, String reason);

    /**
     * One task as DescribeTasks reports it.
     *
     * @param createdAt may be null (ECS always sets it; some emulators do not)
     * @param startedAt null until the task is RUNNING
     */
    record Task(String taskArn, String startedBy, String group, String lastStatus, String desiredStatus,
                Instant createdAt, Instant startedAt) {
    }
}
