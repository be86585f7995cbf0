package dev.fargatescaler.domain.launch;

import dev.fargatescaler.domain.environment.Environment;
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
 */
public record TaskLaunch(Environment environment, String startedBy, String group, String clientToken,
                         boolean onDemand, Map<String, String> tags, Map<String, String> containerEnvironment) {

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
