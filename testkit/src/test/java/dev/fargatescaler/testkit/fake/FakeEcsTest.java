package dev.fargatescaler.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import dev.fargatescaler.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;

class FakeEcsTest {

    static EcsClient client(FakeEcs ecs) {
        return EcsClient.builder().httpClient(ecs).region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://fake-ecs.invalid"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
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
        // The same client token with the same parameters returns the same task, as real ECS does.
        assertThat(ecs.runTask(r -> r.cluster("glfs-dev").taskDefinition("glfs-dev-runner")
                .startedBy("glfs/dev/1/2").group("glfs:dev").clientToken("glfs-dev-1-2-0")).tasks().get(0).taskArn())
                .isEqualTo(arn);
        assertThat(fake.tasks()).hasSize(1);

        ecs.stopTask(r -> r.cluster("glfs-dev").task(arn).reason("test"));
        assertThat(ecs.listTasks(r -> r.cluster("glfs-dev").startedBy("glfs/dev/1/2")).taskArns()).isEmpty();
    }

    @Test
    void taskLevelSizeOverridesAreKeptOnTheTaskAndPartOfTheTokensParameters() {
        FakeEcs fake = new FakeEcs(1, FakeEcs.Faults.NONE, true);
        EcsClient ecs = client(fake);
        RunTaskRequest large = RunTaskRequest.builder().cluster("glfs-dev").taskDefinition("glfs-dev-runner")
                .startedBy("glfs/dev/1/3").group("glfs:dev").clientToken("glfs-dev-1-3-0")
                .overrides(o -> o.cpu("4096").memory("16384").ephemeralStorage(e -> e.sizeInGiB(100))).build();

        String arn = ecs.runTask(large).tasks().get(0).taskArn();

        software.amazon.awssdk.services.ecs.model.Task task =
                ecs.describeTasks(r -> r.cluster("glfs-dev").tasks(arn)).tasks().get(0);
        assertThat(task.overrides().cpu()).isEqualTo("4096");
        assertThat(task.overrides().memory()).isEqualTo("16384");
        assertThat(task.overrides().ephemeralStorage().sizeInGiB()).isEqualTo(100);
        // The same token with another size is another request: ConflictException, as for any other parameter.
        assertThatThrownBy(() -> ecs.runTask(large.toBuilder().overrides(o -> o.cpu("2048").memory("4096")).build()))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    void refusesTaskSizesFargateDoesNot() {
        FakeEcs fake = new FakeEcs(1, FakeEcs.Faults.NONE, true);
        EcsClient ecs = client(fake);
        RunTaskRequest base = RunTaskRequest.builder().cluster("glfs-dev").taskDefinition("glfs-dev-runner")
                .startedBy("glfs/dev/1/4").group("glfs:dev").build();

        for (String[] size : new String[][] {{"4096", "4096"}, {"256", "1536"}, {"3000", "8192"},
                {"8192", "18432"}}) {
            assertThatThrownBy(() -> ecs.runTask(base.toBuilder().overrides(o -> o.cpu(size[0]).memory(size[1]))
                    .build()))
                    .as("%s/%s", size[0], size[1])
                    .isInstanceOfSatisfying(EcsException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ClientException");
                        assertThat(e.getMessage()).contains("No Fargate configuration exists for given values");
                    });
        }
        assertThatThrownBy(() -> ecs.runTask(base.toBuilder().overrides(o -> o.ephemeralStorage(e -> e.sizeInGiB(201)))
                .build())).isInstanceOf(EcsException.class);
        assertThat(ecs.runTask(base.toBuilder().overrides(o -> o.cpu("16384").memory("122880")
                .ephemeralStorage(e -> e.sizeInGiB(21))).build()).tasks()).hasSize(1);
        assertThat(fake.tasks()).hasSize(1);
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

    private static RunTaskRequest run(String cluster, String token, String startedBy) {
        return RunTaskRequest.builder().cluster(cluster).taskDefinition("glfs-dev-runner").startedBy(startedBy)
                .group("glfs:dev").clientToken(token).build();
    }

    @Test
    void aReusedTokenReturnsTheOriginalTaskEvenStoppedAsFirstAnsweredOrAsItIsNow() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
        FakeEcs fake = new FakeEcs(3, FakeEcs.Faults.NONE, true, clock);
        EcsClient ecs = client(fake);
        String arn = ecs.runTask(run("glfs-dev", "t-1", "glfs/dev/7/1")).tasks().get(0).taskArn();
        fake.stop(arn);
        clock.advance(Duration.ofMinutes(30));

        var original = ecs.runTask(run("glfs-dev", "t-1", "glfs/dev/7/1")).tasks().get(0);
        fake.reusedTokenAnswer(FakeEcs.ReusedTokenAnswer.CURRENT_STATE);
        var current = ecs.runTask(run("glfs-dev", "t-1", "glfs/dev/7/1")).tasks().get(0);

        assertThat(fake.tasks()).hasSize(1);
        assertThat(original.taskArn()).isEqualTo(arn);
        assertThat(original.lastStatus()).isEqualTo("PROVISIONING");
        assertThat(original.createdAt()).isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
        assertThat(current.taskArn()).isEqualTo(arn);
        assertThat(current.lastStatus()).isEqualTo("STOPPED");
        assertThat(current.desiredStatus()).isEqualTo("STOPPED");
    }

    @Test
    void aTokenIsForgottenAnHourAfterItsTaskStoppedOrAfterADay() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
        FakeEcs fake = new FakeEcs(3, FakeEcs.Faults.NONE, true, clock);
        EcsClient ecs = client(fake);
        String stopped = ecs.runTask(run("glfs-dev", "t-stopped", "glfs/dev/7/1")).tasks().get(0).taskArn();
        String running = ecs.runTask(run("glfs-dev", "t-running", "glfs/dev/7/2")).tasks().get(0).taskArn();
        clock.advance(Duration.ofMinutes(10));
        fake.stop(stopped);

        clock.advance(Duration.ofMinutes(59));
        assertThat(ecs.runTask(run("glfs-dev", "t-stopped", "glfs/dev/7/1")).tasks().get(0).taskArn()).isEqualTo(stopped);
        clock.advance(Duration.ofMinutes(2));
        assertThat(ecs.runTask(run("glfs-dev", "t-stopped", "glfs/dev/7/1")).tasks().get(0).taskArn())
                .isNotEqualTo(stopped);

        clock.advance(Duration.ofHours(23));
        assertThat(ecs.runTask(run("glfs-dev", "t-running", "glfs/dev/7/2")).tasks().get(0).taskArn())
                .isNotEqualTo(running);
        assertThat(fake.tasks()).hasSize(4);
    }

    @Test
    void theSameTokenWithOtherParametersIsAConflictNamingTheOriginalTasks() {
        FakeEcs fake = new FakeEcs(3, FakeEcs.Faults.NONE, true);
        EcsClient ecs = client(fake);
        String arn = ecs.runTask(run("glfs-dev", "t-1", "glfs/dev/7/1")).tasks().get(0).taskArn();

        assertThatThrownBy(() -> ecs.runTask(run("glfs-dev", "t-1", "glfs/dev/7/1").toBuilder()
                .taskDefinition("glfs-dev-runner:2").build()))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.resourceIds()).containsExactly(arn);
                });
        // Tokens are scoped to their cluster.
        assertThat(ecs.runTask(run("glfs-staging", "t-1", "glfs/dev/7/1")).tasks().get(0).taskArn()).isNotEqualTo(arn);
    }

    @Test
    void likeMotoItCanIgnoreTokens() {
        FakeEcs fake = new FakeEcs(3, FakeEcs.Faults.NONE, false);
        EcsClient ecs = client(fake);
        ecs.runTask(run("glfs-dev", "t-1", "glfs/dev/7/1"));
        ecs.runTask(run("glfs-dev", "t-1", "glfs/dev/7/1"));

        assertThat(fake.tasks()).hasSize(2);
    }
}
