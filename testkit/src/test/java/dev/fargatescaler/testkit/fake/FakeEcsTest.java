package dev.fargatescaler.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;

class FakeEcsTest {

    static EcsClient client(FakeEcs ecs) {
        return EcsClient.builder().httpClient(ecs).region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://fake-ecs.invalid"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    @Test
    void runsListsDescribesAndStopsThroughTheRealSdk() {
        FakeEcs fake = new FakeEcs(1, FakeEcs.Faults.NONE, true);
        EcsClient ecs = client(fake);

        RunTaskResponse run = ecs.runTask(r -> r.cluster("glfs-dev").taskDefinition("glfs-dev-runner")
                .startedBy("glfs/dev/1/2").group("glfs:dev").clientToken("glfs-dev-1-2-0"));
        String arn = run.tasks().get(0).taskArn();

        assertThat(run.failures()).isEmpty();
        assertThat(ecs.listTasks(r -> r.cluster("glfs-dev").startedBy("glfs/dev/1/2")).taskArns()).containsExactly(arn);
        assertThat(ecs.describeTasks(r -> r.cluster("glfs-dev").tasks(arn)).tasks().get(0).group()).isEqualTo("glfs:dev");
        // The same client token returns the same task, as real ECS does.
        assertThat(ecs.runTask(r -> r.cluster("glfs-dev").taskDefinition("glfs-dev-runner")
                .startedBy("glfs/dev/1/2").clientToken("glfs-dev-1-2-0")).tasks().get(0).taskArn()).isEqualTo(arn);
        assertThat(fake.tasks()).hasSize(1);

        ecs.stopTask(r -> r.cluster("glfs-dev").task(arn).reason("test"));
        assertThat(ecs.listTasks(r -> r.cluster("glfs-dev").startedBy("glfs/dev/1/2")).taskArns()).isEmpty();
    }

    @Test
    void injectsThrottlingServerErrorsAndCapacityFailures() {
        FakeEcs fake = new FakeEcs(7, new FakeEcs.Faults(1, 0, 0), false);
        EcsClient ecs = client(fake);
        assertThatThrownBy(() -> ecs.listTasks(r -> r.cluster("c")))
                .isInstanceOfSatisfying(EcsException.class, e -> assertThat(e.isThrottlingException()).isTrue());

        fake.faults(new FakeEcs.Faults(0, 1, 0));
        assertThatThrownBy(() -> ecs.listTasks(r -> r.cluster("c")))
                .isInstanceOfSatisfying(EcsException.class, e -> assertThat(e.statusCode()).isEqualTo(500));

        fake.faults(new FakeEcs.Faults(0, 0, 1));
        RunTaskResponse run = ecs.runTask(r -> r.cluster("c").taskDefinition("td"));
        assertThat(run.tasks()).isEmpty();
        assertThat(run.failures().get(0).reason()).startsWith("Capacity is unavailable");
        assertThat(fake.injected("Throttling")).isEqualTo(1);
        assertThat(fake.injected("ServerError")).isEqualTo(1);
        assertThat(fake.injected("Capacity")).isEqualTo(1);
    }
}
