package dev.fargatescaler.shared.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.TaskSize;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.launch.LaunchResult;
import dev.fargatescaler.domain.launch.TaskLaunch;
import dev.fargatescaler.testkit.FaultInjectingHttpClient;
import dev.fargatescaler.testkit.MotoClients;
import dev.fargatescaler.testkit.MotoEcsFixture;
import dev.fargatescaler.testkit.MotoServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/** EcsTaskLauncher through the real SDK against moto_server, with faults injected where moto cannot help. */
class EcsTaskLauncherMotoTest {

    private static MotoServer moto;
    private static MotoEcsFixture fixture;
    private static MotoEcsFixture.Provisioned dev;
    private static MotoEcsFixture.Provisioned spot;
    private static FaultInjectingHttpClient faults;
    private static EcsTaskLauncher launcher;
    private static Environment devEnvironment;
    private static Environment spotEnvironment;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        fixture = MotoEcsFixture.connect(moto.endpoint());
        fixture.freezeTaskStates();
        dev = fixture.provision("itdev");
        spot = fixture.provision("itspot");
        faults = new FaultInjectingHttpClient(UrlConnectionHttpClient.create());
        launcher = new EcsTaskLauncher(MotoClients.build(EcsClient.builder()
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.ADAPTIVE)
                        .apiCallTimeout(Duration.ofSeconds(20))), moto.endpoint(), faults));
        devEnvironment = EnvironmentParser.parseArray("[" + dev.environmentJson("[\"itdev\"]", false, 5) + "]",
                "test").all().get(0);
        spotEnvironment = EnvironmentParser.parseArray("[" + spot.environmentJson("[\"itspot\"]", false, 5,
                "\"launchMode\":{\"type\":\"FARGATE_SPOT\",\"spotFallbackToOnDemand\":true}") + "]", "test")
                .all().get(0);
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    @BeforeEach
    void clearFaults() {
        faults.clear();
    }

    private static TaskLaunch launch(Environment environment, long jobId, boolean onDemand) {
        return new TaskLaunch(environment, environment.startedBy(5, jobId), environment.group(),
                "glfs-" + environment.name() + "-5-" + jobId + "-0", onDemand,
                Map.of("glfs:job-id", Long.toString(jobId), "glfs:environment", environment.name()),
                Map.of("GLFS_JOB_ID", Long.toString(jobId)));
    }

    @Test
    void runsATaskWithTheEnvironmentsClusterTaskDefinitionNetworkNamesTagsAndHints() {
        LaunchResult result = launcher.runTask(launch(devEnvironment, 100, false));

        assertThat(result).isInstanceOf(LaunchResult.Started.class);
        String arn = ((LaunchResult.Started) result).taskArn();
        Task task = fixture.runningTasks(dev.cluster()).stream().filter(t -> t.taskArn().equals(arn)).findFirst()
                .orElseThrow();
        assertThat(task.clusterArn()).isEqualTo(dev.clusterArn());
        assertThat(task.taskDefinitionArn()).isEqualTo(dev.taskDefinitionArn());
        assertThat(task.startedBy()).isEqualTo("glfs/itdev/5/100");
        assertThat(task.group()).isEqualTo("glfs:itdev");
        assertThat(task.launchTypeAsString()).isEqualTo("FARGATE");
        assertThat(task.tags()).anySatisfy(t -> {
            assertThat(t.key()).isEqualTo("glfs:job-id");
            assertThat(t.value()).isEqualTo("100");
        });
        assertThat(task.overrides().containerOverrides()).singleElement().satisfies(o -> {
            assertThat(o.name()).isEqualTo(MotoEcsFixture.CONTAINER_NAME);
            assertThat(o.environment()).anySatisfy(kv -> assertThat(kv.name()).isEqualTo("GLFS_JOB_ID"));
        });
        assertThat(task.attachments()).singleElement().satisfies(a -> assertThat(a.details())
                .anySatisfy(d -> assertThat(d.value()).isEqualTo(dev.subnets().get(0))));
        String request = faults.bodies().get(faults.bodies().size() - 1);
        assertThat(request).contains("\"clientToken\":\"glfs-itdev-5-100-0\"")
                .contains("\"securityGroups\":[\"" + dev.securityGroups().get(0) + "\"]")
                .contains("\"assignPublicIp\":\"DISABLED\"");
    }

    @Test
    void findsAJobsActiveTaskByStartedByAndCountsOnlyItsEnvironmentsGroup() {
        int before = launcher.countActiveTasks(devEnvironment);
        launcher.runTask(launch(devEnvironment, 200, false));
        launcher.runTask(launch(devEnvironment, 201, false));
        // A foreign task in the same cluster: not ours, not counted.
        fixture.ecs().runTask(r -> r.cluster(dev.cluster()).taskDefinition(dev.taskDefinitionFamily())
                .launchType("FARGATE").group("someone-else").startedBy("someone")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(dev.subnets())
                        .securityGroups(dev.securityGroups()))));

        assertThat(launcher.countActiveTasks(devEnvironment)).isEqualTo(before + 2);
        assertThat(launcher.hasActiveTask(devEnvironment, "glfs/itdev/5/200")).isTrue();
        assertThat(launcher.hasActiveTask(devEnvironment, "glfs/itdev/5/299")).isFalse();
    }

    @Test
    void aStoppedTaskIsNotActive() {
        LaunchResult.Started started = (LaunchResult.Started) launcher.runTask(launch(devEnvironment, 300, false));
        int before = launcher.countActiveTasks(devEnvironment);

        fixture.ecs().stopTask(r -> r.cluster(dev.cluster()).task(started.taskArn()).reason("test"));

        assertThat(launcher.hasActiveTask(devEnvironment, "glfs/itdev/5/300")).isFalse();
        assertThat(launcher.countActiveTasks(devEnvironment)).isEqualTo(before - 1);
    }

    @Test
    void spotUsesTheCapacityProviderStrategyAndTheFallbackUsesLaunchType() {
        // moto answers 500 to capacityProviderStrategy: answer that request as ECS does when Spot is short.
        faults.answer("RunTask", body -> body.contains("capacityProviderStrategy"), 1, 200,
                "{\"tasks\":[],\"failures\":[{\"arn\":\"arn:aws:ecs:us-east-1:123456789012:cluster/glfs-itspot\","
                        + "\"reason\":\"Capacity is unavailable at this time. Please try again later or in a "
                        + "different availability zone\"}]}");

        LaunchResult spotAttempt = launcher.runTask(launch(spotEnvironment, 400, false));
        LaunchResult onDemand = launcher.runTask(launch(spotEnvironment, 400, true));

        assertThat(spotAttempt).isInstanceOfSatisfying(LaunchResult.Failed.class,
                f -> assertThat(f.reason()).startsWith("Capacity is unavailable"));
        assertThat(faults.bodies().get(0)).contains("\"capacityProviderStrategy\":[{\"capacityProvider\":"
                + "\"FARGATE_SPOT\",\"weight\":1,\"base\":0}]").doesNotContain("launchType");
        assertThat(onDemand).isInstanceOf(LaunchResult.Started.class);
        assertThat(faults.bodies().get(1)).contains("\"launchType\":\"FARGATE\"")
                .doesNotContain("capacityProviderStrategy");
    }

    @Test
    void throttlingIsRetriedByTheSdkThenReportedAsRetryable() {
        faults.answer("RunTask", body -> true, 2, 400, FaultInjectingHttpClient.throttling());

        LaunchResult afterRetries = launcher.runTask(launch(devEnvironment, 500, false));

        assertThat(afterRetries).isInstanceOf(LaunchResult.Started.class);
        assertThat(faults.calls("RunTask")).isEqualTo(3);

        faults.clear();
        faults.answer("RunTask", body -> true, 100, 400, FaultInjectingHttpClient.throttling());
        assertThatThrownBy(() -> launcher.runTask(launch(devEnvironment, 501, false)))
                .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.reason()).isEqualTo("Throttling"));
    }

    @Test
    void serverErrorsAreRetryable() {
        faults.answer("ListTasks", body -> true, 100, 500,
                "{\"__type\":\"ServerException\",\"message\":\"internal\"}");

        assertThatThrownBy(() -> launcher.countActiveTasks(devEnvironment))
                .isInstanceOfSatisfying(RetryableException.class,
                        e -> assertThat(e.reason()).isEqualTo("AwsServerError"));
    }

    @Test
    void accessAndParameterErrorsAreConfigurationErrors() {
        faults.answer("RunTask", body -> true, 1, 400,
                "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized to perform ecs:RunTask\"}");

        assertThatThrownBy(() -> launcher.runTask(launch(devEnvironment, 600, false)))
                .isInstanceOf(ConfigurationException.class);

        Environment missing = EnvironmentParser.parseArray("[" + dev.environmentJson("[\"x\"]", false, 5)
                .replace(dev.cluster(), "glfs-nowhere") + "]", "test").all().get(0);
        assertThatThrownBy(() -> launcher.countActiveTasks(missing)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void anEmptyAnswerIsAFailure() {
        faults.answer("RunTask", body -> true, 1, 200, "{\"tasks\":[],\"failures\":[]}");

        assertThat(launcher.runTask(launch(devEnvironment, 700, false)))
                .isInstanceOfSatisfying(LaunchResult.Failed.class,
                        f -> assertThat(f.reason()).isEqualTo("NoTaskReturned"));
    }

    @Test
    void theRequestIsIdenticalForTheSameLaunch() {
        TaskLaunch launch = launch(devEnvironment, 800, false);

        assertThat(EcsTaskLauncher.request(launch)).isEqualTo(EcsTaskLauncher.request(launch(devEnvironment, 800,
                false)));
        assertThat(EcsTaskLauncher.request(launch).platformVersion()).isNull();
        assertThat(EcsTaskLauncher.request(launch).count()).isEqualTo(1);
    }

    @Test
    void aSizeClassLaunchSendsItsSizeAsTaskLevelOverridesAndNoSecret() {
        TaskLaunch launch = new TaskLaunch(devEnvironment, devEnvironment.startedBy(5, 900), devEnvironment.group(),
                "glfs-itdev-5-900-0", false, Map.of("glfs:job-id", "900"),
                Map.of("GLFS_SIZE_CLASS", "large", "RUNNER_TOKEN_VARIABLE", "CI_SERVER_TOKEN_1"),
                new TaskSize(4096, 16384, 100));

        LaunchResult result = launcher.runTask(launch);

        assertThat(result).isInstanceOf(LaunchResult.Started.class);
        // On the wire, as the ECS API reference spells TaskOverride: cpu and memory are strings.
        String request = faults.bodies().get(faults.bodies().size() - 1);
        assertThat(request).contains("\"cpu\":\"4096\"").contains("\"memory\":\"16384\"")
                .contains("\"ephemeralStorage\":{\"sizeInGiB\":100}")
                .contains("{\"name\":\"RUNNER_TOKEN_VARIABLE\",\"value\":\"CI_SERVER_TOKEN_1\"}")
                .doesNotContain("secrets");
        assertThat(EcsTaskLauncher.request(launch)).isEqualTo(EcsTaskLauncher.request(launch));
        // A default-size launch has no size override at all (its request is what it was before size classes).
        TaskOverride plain = EcsTaskLauncher.request(launch(devEnvironment, 901, false)).overrides();
        assertThat(plain.cpu()).isNull();
        assertThat(plain.memory()).isNull();
        assertThat(plain.ephemeralStorage()).isNull();
    }

    @Test
    void countsPastOneHundredTasksAcrossListAndDescribePages() {
        MotoEcsFixture.Provisioned many = fixture.provision("itmany");
        Environment environment = EnvironmentParser.parseArray("[" + many.environmentJson("[\"m\"]", false, 500)
                + "]", "test").all().get(0);
        for (int call = 0; call < 13; call++) {
            fixture.ecs().runTask(r -> r.cluster(many.cluster()).taskDefinition(many.taskDefinitionFamily())
                    .launchType("FARGATE").count(10).group(environment.group()).startedBy("glfs/itmany/1/1")
                    .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(many.subnets())
                            .securityGroups(many.securityGroups()))));
        }

        assertThat(launcher.countActiveTasks(environment)).isEqualTo(130);
        assertThat(faults.calls("DescribeTasks")).isGreaterThanOrEqualTo(2);
    }
}
