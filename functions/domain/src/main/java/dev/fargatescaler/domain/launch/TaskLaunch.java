package dev.fargatescaler.domain.launch;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.TaskSize;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything one RunTask call needs. Every field is derived from the environment and the job only, never
 * from the time or a random value: ECS honours {@code clientToken} only when all parameters are identical.
 *
 * @param onDemand    true for the on-demand retry after a Spot capacity shortage: {@code launchType: FARGATE}
 *                    instead of the environment's capacity-provider strategy
 * @param tags        ECS resource tags of the task (job, project, pipeline, environment)
 * @param containerEnvironment non-secret hints for the runner container (overrides appear in EventBridge
 *                    events and DescribeTasks output: never put a token here)
 * @param size        the size class's task size, sent as task-level overrides; null for the task definition's own
 *                    size (no size override at all, as before size classes)
 */
public record TaskLaunch(Environment environment, String startedBy, String group, String clientToken,
                         boolean onDemand, Map<String, String> tags, Map<String, String> containerEnvironment,
                         TaskSize size) {

    /** A launch at the task definition's own size. */
    public TaskLaunch(Environment environment, String startedBy, String group, String clientToken, boolean onDemand,
                      Map<String, String> tags, Map<String, String> containerEnvironment) {
        this(environment, startedBy, group, clientToken, onDemand, tags, containerEnvironment, null);
    }

    public TaskLaunch {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(startedBy, "startedBy");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(clientToken, "clientToken");
        // Sorted, so that the request is byte-for-byte the same for the same job.
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
        containerEnvironment = java.util.Collections.unmodifiableMap(new TreeMap<>(containerEnvironment));
    }
}
