package dev.fargatescaler.local.start;

import dev.fargatescaler.local.fargate.FargateSimulation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;

/**
 * The emulator calls of the Fargate simulation, each in the account of the task's cluster (the control plane's
 * client, or the environment's client signed as its account).
 */
final class EmulatorTasks implements FargateSimulation.Emulator {

    private final EcsClient own;
    private final Map<String, EcsClient> byAccount = new ConcurrentHashMap<>();
    private final Map<String, Optional<Duration>> waits = new ConcurrentHashMap<>();

    EmulatorTasks(EcsClient own, List<EcsEventSource.Cluster> clusters, String ownAccount) {
        this.own = own;
        byAccount.put(ownAccount, own);
        clusters.stream().filter(c -> c.account() != null && c.ecs() != null)
                .forEach(c -> byAccount.put(c.account(), c.ecs()));
    }

    private EcsClient client(String clusterArn) {
        String[] parts = clusterArn.split(":");
        return parts.length > 4 ? byAccount.getOrDefault(parts[4], own) : own;
    }

    @Override
    public void stopTask(String clusterArn, String taskArn, String reason) {
        client(clusterArn).stopTask(r -> r.cluster(clusterArn).task(taskArn).reason(reason));
    }

    @Override
    public Optional<Duration> waitTimeout(String clusterArn, String taskDefinitionArn) {
        return waits.computeIfAbsent(taskDefinitionArn, arn -> client(clusterArn)
                .describeTaskDefinition(r -> r.taskDefinition(arn)).taskDefinition().containerDefinitions().stream()
                .flatMap(c -> c.environment().stream())
                .filter(kv -> "RUNNER_WAIT_TIMEOUT".equals(kv.name()))
                .map(KeyValuePair::value)
                .findFirst()
                .flatMap(v -> v.matches("[0-9]{1,9}") ? Optional.of(Duration.ofSeconds(Long.parseLong(v)))
                        : Optional.empty()));
    }
}
