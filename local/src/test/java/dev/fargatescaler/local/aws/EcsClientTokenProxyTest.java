package dev.fargatescaler.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.testkit.MotoEcsFixture;
import dev.fargatescaler.testkit.MotoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The proxy gives moto_server ECS's RunTask idempotency (the class comment cites the API reference): without
 * it, each of these concurrent calls starts its own task on moto, as the first test shows.
 */
class EcsClientTokenProxyTest {

    private static MotoServer moto;
    private static EcsClientTokenProxy proxy;
    private static MotoEcsFixture.Provisioned dev;
    private static EcsClient direct;
    private static EcsClient proxied;

    @BeforeAll
    static void start() throws Exception {
        moto = MotoServer.start();
        MotoEcsFixture fixture = MotoEcsFixture.connect(moto.endpoint());
        dev = fixture.provision("dev");
        direct = fixture.ecs();
        proxy = EcsClientTokenProxy.start(moto.endpoint());
        proxied = MotoEcsFixture.connect(proxy.endpoint()).ecs();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        moto.close();
    }

    private static RunTaskRequest runTask(String token, String startedBy) {
        return RunTaskRequest.builder().cluster(dev.cluster()).taskDefinition(dev.taskDefinitionFamily())
                .launchType(LaunchType.FARGATE).count(1).startedBy(startedBy).clientToken(token)
                .networkConfiguration(NetworkConfiguration.builder().awsvpcConfiguration(AwsVpcConfiguration
                        .builder().subnets(dev.subnets()).securityGroups(dev.securityGroups())
                        .assignPublicIp(AssignPublicIp.DISABLED).build()).build())
                .build();
    }

    private static Set<String> concurrently(EcsClient ecs, String token) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        Set<String> arns = ConcurrentHashMap.newKeySet();
        List<Future<?>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                calls.add(pool.submit((Callable<Void>) () -> {
                    go.await();
                    arns.add(ecs.runTask(runTask(token, "glfs/dev/1/" + token)).tasks().get(0).taskArn());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return arns;
    }

    @Test
    void motoAloneStartsATaskPerCallWhateverTheToken() throws Exception {
        // The quirk the proxy exists for (REFERENCE.md: "clientToken is not deduplicated"). If moto ever
        // honours tokens, this fails and the proxy can go.
        assertThat(concurrently(direct, "glfs-dev-1-100-0")).hasSize(6);
    }

    @Test
    void concurrentCallsWithOneTokenStartOneTask() throws Exception {
        Set<String> arns = concurrently(proxied, "glfs-dev-1-200-0");
        assertThat(arns).hasSize(1);
        assertThat(direct.listTasks(b -> b.cluster(dev.cluster()).startedBy("glfs/dev/1/glfs-dev-1-200-0"))
                .taskArns()).containsExactlyElementsOf(arns);
    }

    @Test
    void theSameTokenLaterReturnsTheOriginalTask() {
        Task first = proxied.runTask(runTask("glfs-dev-1-300-0", "glfs/dev/1/300")).tasks().get(0);
        Task again = proxied.runTask(runTask("glfs-dev-1-300-0", "glfs/dev/1/300")).tasks().get(0);
        assertThat(again.taskArn()).isEqualTo(first.taskArn());
    }

    @Test
    void theSameTokenWithOtherParametersIsAConflictNamingTheOriginalTask() {
        Task first = proxied.runTask(runTask("glfs-dev-1-400-0", "glfs/dev/1/400")).tasks().get(0);
        assertThatThrownBy(() -> proxied.runTask(runTask("glfs-dev-1-400-0", "glfs/dev/1/other")))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.resourceIds()).containsExactly(first.taskArn());
                });
    }

    @Test
    void callsWithoutATokenAndOtherCallsPassThrough() {
        Task one = proxied.runTask(runTask(null, "glfs/dev/1/500")).tasks().get(0);
        Task two = proxied.runTask(runTask(null, "glfs/dev/1/500")).tasks().get(0);
        assertThat(one.taskArn()).isNotEqualTo(two.taskArn());
        assertThat(proxied.listTasks(b -> b.cluster(dev.cluster()).startedBy("glfs/dev/1/500")).taskArns())
                .containsExactlyInAnyOrder(one.taskArn(), two.taskArn());
    }
}
