package dev.fargatescaler.domain.environment;

import dev.fargatescaler.domain.task.TaskNaming;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One place where CI jobs run: a GitLab runner (its tags) backed by an ECS cluster, a task definition and a
 * network. Built by {@link EnvironmentParser}, which validates every field; this record only keeps the
 * invariants that the rest of the code relies on.
 *
 * @param name                      short name (dev, staging, production); part of every task name, see
 *                                  {@link TaskNaming#ENVIRONMENT_NAME}
 * @param tags                      the runner tags this environment serves; a job is routed here when all of
 *                                  its tags are among them
 * @param runUntagged               whether untagged jobs may run here (GitLab's {@code run_untagged})
 * @param priority                  higher wins when several environments match a job; equal priorities are
 *                                  decided by configured order
 * @param cluster                   ECS cluster name or ARN
 * @param taskDefinition            task definition {@code family}, {@code family:revision} or ARN
 * @param containerName             the runner container's name in the task definition (for overrides)
 * @param subnets                   awsvpc subnets
 * @param securityGroups            awsvpc security groups
 * @param assignPublicIp            whether the task gets a public IP (public subnets without NAT need it)
 * @param launchMode                Fargate, Fargate Spot or a capacity-provider strategy
 * @param platformVersion           Fargate platform version ({@code LATEST} or e.g. {@code 1.4.0}), or null
 * @param maxConcurrentTasks        how many of this environment's tasks may be active at once
 * @param maxTaskLifetime           older tasks are stopped by the sweeper's reaper
 * @param stuckBeforeRunningTimeout tasks not RUNNING after this long are stopped by the reaper
 * @param guards                    optional project and ref restrictions
 * @param costHints                 optional task size for cost estimates
 * @param account                   the AWS account of the cluster: the control plane's own, or another one reached
 *                                  through a role ({@link AccountAccess})
 * @param sizeClasses               job-size classes: runners of their own in GitLab (tags, token) whose tasks run
 *                                  here with another task size (see {@link SizeClass}); empty for none
 * @param warmPool                  optional scheduled warm pool ({@link WarmPool#OFF} by default)
 */
public record Environment(
        String name,
        Set<String> tags,
        boolean runUntagged,
        int priority,
        String cluster,
        String taskDefinition,
        String containerName,
        List<String> subnets,
        List<String> securityGroups,
        boolean assignPublicIp,
        LaunchMode launchMode,
        String platformVersion,
        int maxConcurrentTasks,
        Duration maxTaskLifetime,
        Duration stuckBeforeRunningTimeout,
        Guards guards,
        CostHints costHints,
        AccountAccess account,
        List<SizeClass> sizeClasses,
        WarmPool warmPool) {

    /** An environment in the control plane's own account, without size classes or warm pool. */
    public Environment(String name, Set<String> tags, boolean runUntagged, int priority, String cluster,
                       String taskDefinition, String containerName, List<String> subnets,
                       List<String> securityGroups, boolean assignPublicIp, LaunchMode launchMode,
                       String platformVersion, int maxConcurrentTasks, Duration maxTaskLifetime,
                       Duration stuckBeforeRunningTimeout, Guards guards, CostHints costHints) {
        this(name, tags, runUntagged, priority, cluster, taskDefinition, containerName, subnets, securityGroups,
                assignPublicIp, launchMode, platformVersion, maxConcurrentTasks, maxTaskLifetime,
                stuckBeforeRunningTimeout, guards, costHints, AccountAccess.OWN, List.of(), WarmPool.OFF);
    }

    /** An environment reached through {@code account}, without size classes or warm pool. */
    public Environment(String name, Set<String> tags, boolean runUntagged, int priority, String cluster,
                       String taskDefinition, String containerName, List<String> subnets,
                       List<String> securityGroups, boolean assignPublicIp, LaunchMode launchMode,
                       String platformVersion, int maxConcurrentTasks, Duration maxTaskLifetime,
                       Duration stuckBeforeRunningTimeout, Guards guards, CostHints costHints,
                       AccountAccess account) {
        this(name, tags, runUntagged, priority, cluster, taskDefinition, containerName, subnets, securityGroups,
                assignPublicIp, launchMode, platformVersion, maxConcurrentTasks, maxTaskLifetime,
                stuckBeforeRunningTimeout, guards, costHints, account, List.of(), WarmPool.OFF);
    }

    /** An environment in the control plane's own account, with size classes. */
    public Environment(String name, Set<String> tags, boolean runUntagged, int priority, String cluster,
                       String taskDefinition, String containerName, List<String> subnets,
                       List<String> securityGroups, boolean assignPublicIp, LaunchMode launchMode,
                       String platformVersion, int maxConcurrentTasks, Duration maxTaskLifetime,
                       Duration stuckBeforeRunningTimeout, Guards guards, CostHints costHints,
                       List<SizeClass> sizeClasses) {
        this(name, tags, runUntagged, priority, cluster, taskDefinition, containerName, subnets, securityGroups,
                assignPublicIp, launchMode, platformVersion, maxConcurrentTasks, maxTaskLifetime,
                stuckBeforeRunningTimeout, guards, costHints, AccountAccess.OWN, sizeClasses, WarmPool.OFF);
    }

    /** An environment in the control plane's own account, with a warm pool. */
    public Environment(String name, Set<String> tags, boolean runUntagged, int priority, String cluster,
                       String taskDefinition, String containerName, List<String> subnets,
                       List<String> securityGroups, boolean assignPublicIp, LaunchMode launchMode,
                       String platformVersion, int maxConcurrentTasks, Duration maxTaskLifetime,
                       Duration stuckBeforeRunningTimeout, Guards guards, CostHints costHints,
                       WarmPool warmPool) {
        this(name, tags, runUntagged, priority, cluster, taskDefinition, containerName, subnets, securityGroups,
                assignPublicIp, launchMode, platformVersion, maxConcurrentTasks, maxTaskLifetime,
                stuckBeforeRunningTimeout, guards, costHints, AccountAccess.OWN, List.of(), warmPool);
    }

    /** An environment reached through {@code account}, with size classes, without warm pool. */
    public Environment(String name, Set<String> tags, boolean runUntagged, int priority, String cluster,
                       String taskDefinition, String containerName, List<String> subnets,
                       List<String> securityGroups, boolean assignPublicIp, LaunchMode launchMode,
                       String platformVersion, int maxConcurrentTasks, Duration maxTaskLifetime,
                       Duration stuckBeforeRunningTimeout, Guards guards, CostHints costHints,
                       AccountAccess account, List<SizeClass> sizeClasses) {
        this(name, tags, runUntagged, priority, cluster, taskDefinition, containerName, subnets, securityGroups,
                assignPublicIp, launchMode, platformVersion, maxConcurrentTasks, maxTaskLifetime,
                stuckBeforeRunningTimeout, guards, costHints, account, sizeClasses, WarmPool.OFF);
    }

    public Environment {
        TaskNaming.requireEnvironmentName(name);
        tags = Set.copyOf(tags);
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(taskDefinition, "taskDefinition");
        Objects.requireNonNull(containerName, "containerName");
        subnets = List.copyOf(subnets);
        securityGroups = List.copyOf(securityGroups);
        Objects.requireNonNull(launchMode, "launchMode");
        if (maxConcurrentTasks < 1) {
            throw new IllegalArgumentException("maxConcurrentTasks must be at least 1");
        }
        Objects.requireNonNull(maxTaskLifetime, "maxTaskLifetime");
        Objects.requireNonNull(stuckBeforeRunningTimeout, "stuckBeforeRunningTimeout");
        guards = guards == null ? Guards.NONE : guards;
        costHints = costHints == null ? CostHints.NONE : costHints;
        account = account == null ? AccountAccess.OWN : account;
        sizeClasses = sizeClasses == null ? List.of() : List.copyOf(sizeClasses);
        warmPool = warmPool == null ? WarmPool.OFF : warmPool;
    }

    /** This environment in another account, reached through {@code access}. */
    public Environment inAccount(AccountAccess access) {
        return new Environment(name, tags, runUntagged, priority, cluster, taskDefinition, containerName, subnets,
                securityGroups, assignPublicIp, launchMode, platformVersion, maxConcurrentTasks, maxTaskLifetime,
                stuckBeforeRunningTimeout, guards, costHints, access, sizeClasses, warmPool);
    }

    /** The size class of this name, if the environment has one. */
    public java.util.Optional<SizeClass> sizeClass(String name) {
        return sizeClasses.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** {@code startedBy} of this environment's task for a job. */
    public String startedBy(long projectId, long jobId) {
        return TaskNaming.startedBy(name, projectId, jobId);
    }

    /** {@code group} of every task of this environment. */
    public String group() {
        return TaskNaming.group(name);
    }

    /** The task definition's family, without revision or ARN prefix. */
    public String taskDefinitionFamily() {
        String td = taskDefinition;
        int slash = td.lastIndexOf('/');
        if (td.startsWith("arn:") && slash >= 0) {
            td = td.substring(slash + 1);
        }
        int colon = td.indexOf(':');
        return colon < 0 ? td : td.substring(0, colon);
    }

    /** The cluster's name, without ARN prefix. */
    public String clusterName() {
        int slash = cluster.lastIndexOf('/');
        return cluster.startsWith("arn:") && slash >= 0 ? cluster.substring(slash + 1) : cluster;
    }
}
