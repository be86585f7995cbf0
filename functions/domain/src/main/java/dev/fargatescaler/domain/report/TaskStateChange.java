package dev.fargatescaler.domain.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an EventBridge "ECS Task State Change" event that the reporter uses. Every field may be absent
 * (null) except {@link #taskArn()}: ECS omits timestamps that did not happen yet, and {@code containers} is
 * empty when the task failed before its containers were created.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 *
 * @param version             {@code detail.version}: grows with every change of the task; -1 when absent
 * @param capacityProvider    {@code capacityProviderName}: {@code FARGATE_SPOT} for Spot tasks
 * @param architecture        the {@code ecs.cpu-architecture} attribute ({@code x86_64}/{@code arm64}) or null
 * @param environmentOverrides the container environment overrides of RunTask ({@code GLFS_*} hints), by name
 * @param overrideCpu         {@code overrides.cpu}: the task-level CPU that RunTask asked for (a size class), or null
 * @param overrideMemory      {@code overrides.memory}: the task-level memory that RunTask asked for, or null
 */
public record TaskStateChange(
        String eventId,
        Instant eventTime,
        String taskArn,
        String clusterArn,
        long version,
        String lastStatus,
        String desiredStatus,
        String stopCode,
        String stoppedReason,
        String startedBy,
        String group,
        String cpu,
        String memory,
        String launchType,
        String capacityProvider,
        String architecture,
        String platformVersion,
        String availabilityZone,
        String taskDefinitionArn,
        Instant createdAt,
        Instant pullStartedAt,
        Instant pullStoppedAt,
        Instant startedAt,
        Instant stoppingAt,
        Instant executionStoppedAt,
        Instant stoppedAt,
        List<Container> containers,
        Map<String, String> environmentOverrides,
        String overrideCpu,
        String overrideMemory) {

    public static final String STOPPED = "STOPPED";

    /**
     * One container of the task.
     *
     * @param overridden whether RunTask overrode this container (the scaler overrides the runner's container)
     */
    public record Container(String name, Integer exitCode, String reason, String lastStatus, boolean overridden) {
    }

    public TaskStateChange {
        containers = containers == null ? List.of() : List.copyOf(containers);
        environmentOverrides = environmentOverrides == null ? Map.of() : Map.copyOf(environmentOverrides);
    }

    /** {@code STOPPED} is final; a {@code DEPROVISIONING} event may already carry a stop code but is not. */
    public boolean isStopped() {
        return STOPPED.equals(lastStatus);
    }

    /** The task's id: the last segment of its ARN. */
    public String taskId() {
        int slash = taskArn.lastIndexOf('/');
        return slash < 0 ? taskArn : taskArn.substring(slash + 1);
    }

    /** The cluster's name: the last segment of its ARN, or null. */
    public String clusterName() {
        if (clusterArn == null) {
            return null;
        }
        int slash = clusterArn.lastIndexOf('/');
        return slash < 0 ? clusterArn : clusterArn.substring(slash + 1);
    }

    /**
     * The runner's container: the one RunTask overrode (the scaler puts its hints there), else the only
     * container, else the first one that reported an exit code. Empty when the task never had containers.
     */
    public Optional<Container> runnerContainer() {
        Optional<Container> overridden = containers.stream().filter(Container::overridden).findFirst();
        if (overridden.isPresent()) {
            return overridden;
        }
        if (containers.size() == 1) {
            return Optional.of(containers.get(0));
        }
        return containers.stream().filter(c -> c.exitCode() != null).findFirst();
    }

    /** When the task stopped running: {@code executionStoppedAt}, else {@code stoppedAt}. */
    public Instant endOfExecution() {
        return executionStoppedAt != null ? executionStoppedAt : stoppedAt;
    }

    /** Duration between two timestamps, or null when either is missing or they are out of order. */
    public static Duration between(Instant from, Instant to) {
        if (from == null || to == null || to.isBefore(from)) {
            return null;
        }
        return Duration.between(from, to);
    }
}
