package dev.fargatescaler.shared.aws;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.LaunchMode;
import dev.fargatescaler.domain.environment.TaskSize;
import dev.fargatescaler.domain.launch.EcsTasks;
import dev.fargatescaler.domain.launch.LaunchResult;
import dev.fargatescaler.domain.launch.TaskLaunch;
import dev.fargatescaler.domain.environment.AccountAccess;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.EphemeralStorage;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * {@link EcsTasks} on Amazon ECS.
 *
 * <p><b>Counting active tasks</b>: {@code ListTasks(cluster, desiredStatus=RUNNING)} (pages of 100) then
 * {@code DescribeTasks} (100 per call) keeping the tasks whose {@code group} is the environment's. ListTasks
 * cannot filter by group, and its {@code startedBy} filter is exact and excludes every other filter, so this is
 * the cheapest exact count: 2 calls per 100 tasks in the cluster, made once per environment per batch. A
 * cluster dedicated to one environment holds only this product's tasks, so nothing is wasted.
 *
 * <p><b>Finding a job's task</b>: {@code ListTasks(cluster, startedBy)} (the only filter allowed with
 * {@code startedBy}), then {@code DescribeTasks} to ignore tasks that have already stopped, which ListTasks may
 * still return for a while.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
 *
 * <p>The client is built with {@link ClientSettings#ECS_LAUNCHES} (adaptive retries, 10 attempts): RunTask is
 * limited to 20 calls per second per account and Region (Fargate launches to a bucket of 100 refilled at 20/s),
 * and adaptive mode slows the client down instead of hammering with retries. What is still throttled after the
 * retries becomes a {@link dev.fargatescaler.domain.errors.RetryableException}.
 */
public final class EcsTaskLauncher implements EcsTasks {

    private final Function<AccountAccess, EcsClient> clients;

    /** Every environment through one client (tests and benchmarks of a single account). */
    public EcsTaskLauncher(EcsClient ecs) {
        this(account -> ecs);
        Objects.requireNonNull(ecs);
    }

    /**
     * Each environment through the client of its account ({@link Environment#account()}): the container's own
     * credentials, or an assumed role's ({@code FunctionWiring#ecsForLaunches(AccountAccess)}).
     */
    public EcsTaskLauncher(Function<AccountAccess, EcsClient> clients) {
        this.clients = Objects.requireNonNull(clients);
    }

    private EcsClient ecs(Environment environment) {
        return clients.apply(environment.account());
    }

    @Override
    public int countActiveTasks(Environment environment) {
        try {
            int active = 0;
            for (Task task : EcsTaskListing.runningTasks(ecs(environment), environment.cluster())) {
                if (environment.group().equals(task.group()) && isActive(task)) {
                    active++;
                }
            }
            return active;
        } catch (SdkException e) {
            throw AwsErrors.classify("counting tasks in cluster " + environment.cluster(), e);
        }
    }

    @Override
    public boolean hasActiveTask(Environment environment, String startedBy) {
        try {
            EcsClient ecs = ecs(environment);
            List<String> arns = ecs.listTasks(r -> r.cluster(environment.cluster()).startedBy(startedBy))
                    .taskArns();
            if (arns.isEmpty()) {
                return false;
            }
            return EcsTaskListing.describe(ecs, environment.cluster(), arns).stream()
                    .anyMatch(t -> startedBy.equals(t.startedBy()) && isActive(t));
        } catch (SdkException e) {
            throw AwsErrors.classify("ListTasks by startedBy in cluster " + environment.cluster(), e);
        }
    }

    /** Active = ECS has not decided to stop it; a stopping task no longer takes jobs. */
    private static boolean isActive(Task task) {
        return !"STOPPED".equals(task.desiredStatus()) && !"STOPPED".equals(task.lastStatus());
    }

    @Override
    public LaunchResult runTask(TaskLaunch launch) {
        RunTaskRequest request = request(launch);
        RunTaskResponse response;
        try {
            response = ecs(launch.environment()).runTask(request);
        } catch (ConflictException e) {
            // "The provided clientToken is already in use with a different RunTask request" (HTTP 400): the
            // token belongs to an earlier launch with other parameters; resourceIds are that launch's tasks.
            // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html#API_RunTask_Errors
            return new LaunchResult.TokenConflict(String.valueOf(e.awsErrorDetails() == null ? e.getMessage()
                    : e.awsErrorDetails().errorMessage()) + (e.hasResourceIds() ? " " + e.resourceIds() : ""));
        } catch (SdkException e) {
            throw AwsErrors.classify("RunTask in cluster " + launch.environment().cluster(), e);
        }
        if (response.hasTasks() && !response.tasks().isEmpty()) {
            Task task = response.tasks().get(0);
            return new LaunchResult.Started(task.taskArn(), task.lastStatus(), task.desiredStatus(),
                    task.createdAt());
        }
        if (response.hasFailures() && !response.failures().isEmpty()) {
            Failure failure = response.failures().get(0);
            return new LaunchResult.Failed(String.valueOf(failure.reason()),
                    (failure.detail() == null ? "" : failure.detail())
                            + (failure.arn() == null ? "" : " (" + failure.arn() + ")"));
        }
        return new LaunchResult.Failed("NoTaskReturned", "RunTask returned neither a task nor a failure");
    }

    @Override
    public boolean hasStopped(Environment environment, String taskArn) {
        try {
            List<Task> tasks = EcsTaskListing.describe(ecs(environment), environment.cluster(), List.of(taskArn));
            // DescribeTasks reports a task it no longer knows (stopped more than about an hour ago) as a failure.
            return tasks.stream().noneMatch(t -> taskArn.equals(t.taskArn()) && isActive(t));
        } catch (SdkException e) {
            throw AwsErrors.classify("DescribeTasks in cluster " + environment.cluster(), e);
        }
    }

    /**
     * SnapStart priming: marshals and signs the calls of a launch (ListTasks by startedBy, RunTask) for
     * {@code sample} without sending them (see PrimingInterceptor); no task is started or listed. Always through
     * the container's own client: an assumed role's client would assume the role first, and no credential may be
     * in a SnapStart snapshot.
     */
    public void prime(TaskLaunch sample) {
        EcsClient ecs = clients.apply(AccountAccess.OWN);
        var priming = software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration.builder()
                .credentialsProvider(PrimingInterceptor.CREDENTIALS).build();
        PrimingInterceptor.marshalAndSign(() -> ecs.listTasks(r -> r.cluster(sample.environment().cluster())
                .startedBy(sample.startedBy()).overrideConfiguration(priming)));
        PrimingInterceptor.marshalAndSign(() -> ecs.runTask(request(sample).toBuilder()
                .overrideConfiguration(priming).build()));
    }

    /**
     * The container's environment hints and, for a size class, its task size as task-level overrides: {@code cpu}
     * and {@code memory} (strings of CPU units and MiB) and {@code ephemeralStorage}. Task level, not container
     * level: Fargate sizes (and bills) the task; the runner container sets no limit of its own in environment.yaml,
     * so it may use all of it. No secret is ever overridden: ContainerOverride has no {@code secrets} (the class's
     * token is chosen by variable name, see runner/entrypoint.sh).
     * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskOverride.html
     * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerOverride.html
     */
    static TaskOverride overrides(TaskLaunch launch) {
        TaskOverride.Builder overrides = TaskOverride.builder()
                .containerOverrides(ContainerOverride.builder()
                        .name(launch.environment().containerName())
                        .environment(launch.containerEnvironment().entrySet().stream()
                                .map(e -> KeyValuePair.builder().name(e.getKey()).value(e.getValue()).build())
                                .toList())
                        .build());
        TaskSize size = launch.size();
        if (size != null) {
            overrides.cpu(Integer.toString(size.cpu())).memory(Integer.toString(size.memoryMiB()));
            if (size.ephemeralStorageGiB() != null) {
                overrides.ephemeralStorage(EphemeralStorage.builder().sizeInGiB(size.ephemeralStorageGiB()).build());
            }
        }
        return overrides.build();
    }

    /** The RunTask request: every field derives from the launch, so a retried request is identical. */
    static RunTaskRequest request(TaskLaunch launch) {
        Environment environment = launch.environment();
        RunTaskRequest.Builder builder = RunTaskRequest.builder()
                .cluster(environment.cluster())
                .taskDefinition(environment.taskDefinition())
                .count(1)
                .startedBy(launch.startedBy())
                .group(launch.group())
                .clientToken(launch.clientToken())
                .networkConfiguration(NetworkConfiguration.builder()
                        .awsvpcConfiguration(AwsVpcConfiguration.builder()
                                .subnets(environment.subnets())
                                .securityGroups(environment.securityGroups())
                                .assignPublicIp(environment.assignPublicIp()
                                        ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED)
                                .build())
                        .build())
                .overrides(overrides(launch))
                .tags(launch.tags().entrySet().stream()
                        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                        .toList());
        LaunchMode mode = environment.launchMode();
        if (launch.onDemand() || mode.usesLaunchType()) {
            builder.launchType(LaunchType.FARGATE);
        } else {
            builder.capacityProviderStrategy(mode.strategy().stream()
                    .map(s -> CapacityProviderStrategyItem.builder()
                            .capacityProvider(s.capacityProvider()).base(s.base()).weight(s.weight()).build())
                    .toList());
        }
        if (environment.platformVersion() != null) {
            builder.platformVersion(environment.platformVersion());
        }
        return builder.build();
    }
}
