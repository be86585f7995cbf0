package dev.fargatescaler.shared.aws;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The tasks of a cluster that ECS has not stopped yet (desired status {@code RUNNING}), described. Shared by the
 * scaler's capacity count and the sweeper's reaper. ListTasks pages by its nextToken, in a loop rather than through
 * the SDK's paginator: the paginator's generic page iteration makes ProGuard keep every model class of every
 * service client in the jar (1.4 MB of the scaler's artifact, docs/performance.md "Artifact size"). DescribeTasks
 * takes at most 100 tasks per call.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html
 */
final class EcsTaskListing {

    static final int DESCRIBE_BATCH = 100;

    private EcsTaskListing() {
    }

    /** @throws software.amazon.awssdk.core.exception.SdkException as the SDK does; callers classify it */
    static List<Task> runningTasks(EcsClient ecs, String cluster) {
        List<String> arns = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            ListTasksResponse page = ecs.listTasks(r -> r.cluster(cluster).desiredStatus(DesiredStatus.RUNNING)
                    .maxResults(100).nextToken(token));
            arns.addAll(page.taskArns());
            next = page.nextToken();
        } while (next != null && !next.isEmpty());
        return describe(ecs, cluster, arns);
    }

    /** DescribeTasks for any number of task ARNs of one cluster. */
    static List<Task> describe(EcsClient ecs, String cluster, List<String> arns) {
        List<Task> tasks = new ArrayList<>(arns.size());
        for (int from = 0; from < arns.size(); from += DESCRIBE_BATCH) {
            List<String> chunk = arns.subList(from, Math.min(arns.size(), from + DESCRIBE_BATCH));
            tasks.addAll(ecs.describeTasks(r -> r.cluster(cluster).tasks(chunk)).tasks());
        }
        return tasks;
    }
}
