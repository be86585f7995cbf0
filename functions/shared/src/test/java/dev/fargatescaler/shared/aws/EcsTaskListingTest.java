package dev.fargatescaler.shared.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.testkit.fake.FakeEcs;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;

/** ListTasks returns at most 100 ARNs per page; the listing follows nextToken to the last page. */
class EcsTaskListingTest {

    @Test
    void listsAndDescribesEveryRunningTaskAcrossListTasksPages() {
        FakeEcs fake = new FakeEcs(1, FakeEcs.Faults.NONE, true);
        try (EcsClient ecs = EcsClient.builder().httpClient(fake).region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://fake-ecs.invalid"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
            for (int i = 0; i < 250; i++) {
                String token = "glfs-dev-1-" + i + "-0";
                ecs.runTask(r -> r.cluster("glfs-dev").taskDefinition("glfs-dev-runner").group("glfs:dev")
                        .startedBy("glfs/dev/1/" + token).clientToken(token));
            }
            String stopped = fake.tasks().get(7).arn;
            fake.stop(stopped);

            List<Task> tasks = EcsTaskListing.runningTasks(ecs, "glfs-dev");

            assertThat(tasks).hasSize(249).extracting(Task::taskArn).doesNotHaveDuplicates().doesNotContain(stopped);
            assertThat(fake.calls("ListTasks")).as("three pages of at most 100").isEqualTo(3);
            assertThat(fake.calls("DescribeTasks")).as("DescribeTasks takes 100 at a time").isEqualTo(3);
        }
    }
}
