package dev.fargatescaler.shared.aws;

import dev.fargatescaler.domain.environment.AccountAccess;
import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.lifecycle.ClusterTasks;
import dev.fargatescaler.domain.task.TaskNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * {@link ClusterTasks} on Amazon ECS: {@code ListTasks(cluster, desiredStatus=RUNNING)} in pages of 100, then
 * {@code DescribeTasks} 100 at a time, keeping the tasks whose {@code startedBy} is ours. ListTasks cannot
 * filter by a {@code startedBy} prefix (its filter is exact and excludes every other one), so the whole cluster
 * is listed: 2 calls per 100 tasks, well within ECS's 20 calls per second for these APIs.
 * {@code desiredStatus=RUNNING} includes tasks still PROVISIONING or PENDING, and leaves out those ECS is
 * already stopping. https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
 */
public final class EcsClusterTasks implements ClusterTasks {

    private final Function<AccountAccess, EcsClient> clients;

    /** Every environment through one client (tests of a single account). */
    public EcsClusterTasks(EcsClient ecs) {
        this(account -> ecs);
        Objects.requireNonNull(ecs);
    }

    /** Each environment through the client of its account ({@code FunctionWiring#ecsForSweeps(AccountAccess)}). */
    public EcsClusterTasks(Function<AccountAccess, EcsClient> clients) {
        this.clients = Objects.requireNonNull(clients);
    }

    @Override
    public List<ClusterTasks.Task> ourTasks(Environment environment) {
        String cluster = environment.cluster();
        EcsClient ecs = clients.apply(environment.account());
        try {
            List<ClusterTasks.Task> ours = new ArrayList<>();
            for (software.amazon.awssdk.services.ecs.model.Task task : EcsTaskListing.runningTasks(ecs, cluster)) {
                if (task.startedBy() != null && task.startedBy().startsWith(TaskNaming.STARTED_BY_PREFIX)) {
                    ours.add(new ClusterTasks.Task(task.taskArn(), task.startedBy(), task.group(),
                            task.lastStatus(), task.desiredStatus(), task.createdAt(), task.startedAt()));
                }
            }
            return ours;
        } catch (SdkException e) {
            throw AwsErrors.classify("listing tasks in cluster " + cluster, e);
        }
    }

    @Override
    public void stop(Environment environment, String taskArn, String reason) {
        String cluster = environment.cluster();
        try {
            clients.apply(environment.account()).stopTask(r -> r.cluster(cluster).task(taskArn).reason(reason));
        } catch (SdkException e) {
            throw AwsErrors.classify("StopTask " + taskArn, e);
        }
    }
}
