package dev.fargatescaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.local.aws.AwsTarget;
import dev.fargatescaler.local.deploy.EnvironmentStacks;
import dev.fargatescaler.testkit.MotoServer;
import dev.fargatescaler.testkit.template.CfnEvaluator;
import dev.fargatescaler.testkit.template.CfnYaml;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * Local mode's environments are environment.yaml deployed on the emulator, in the chosen region: every name
 * environment.yaml gives (cluster, task definition, log group, roles, SSM registration) exists there under that
 * name, and the environment the scaler reads from SSM names them.
 */
class EnvironmentStacksTest {

    private static MotoServer moto;
    private static LocalDeployment deployment;

    @BeforeAll
    static void deploy() throws IOException {
        moto = MotoServer.start();
        LocalDeployment.Options options = new LocalDeployment.Options(ProjectFiles.root(), Map.of(), null, null,
                List.of(), false);
        deployment = LocalDeployment.deploy(LocalDeployment.check(options, Region.EU_WEST_1, false),
                AwsTarget.emulator(moto.endpoint(), Region.EU_WEST_1), m -> { });
    }

    @AfterAll
    static void stop() {
        deployment.close();
        moto.close();
    }

    @Test
    void theDeployedNamesAreUsedAndExistInTheRegion() {
        EnvironmentStacks.Deployed dev = deployment.environments().stream().filter(e -> e.name().equals("dev"))
                .findFirst().orElseThrow();
        Environment env = dev.environment();

        assertThat(env.cluster()).isEqualTo("glfs-dev");
        // local/environments.json's warm pool reaches the registration through environment.yaml's WarmPool.
        assertThat(env.warmPool().enabled()).isTrue();
        assertThat(env.warmPool().size()).isEqualTo(1);
        assertThat(env.taskDefinition()).isEqualTo("glfs-dev-runner");
        assertThat(dev.ssmParameter()).isEqualTo("/glfs/environments/dev");
        var aws = deployment.aws();
        assertThat(aws.ecs().describeClusters(r -> r.clusters("glfs-dev")).clusters()).singleElement()
                .satisfies(c -> assertThat(c.clusterArn()).startsWith("arn:aws:ecs:eu-west-1:"));
        var definition = aws.ecs().describeTaskDefinition(r -> r.taskDefinition("glfs-dev-runner")).taskDefinition();
        assertThat(definition.executionRoleArn()).endsWith(":role/glfs-dev-execution");
        assertThat(definition.taskRoleArn()).endsWith(":role/glfs-dev-task");
        assertThat(definition.containerDefinitions().get(0).logConfiguration().options())
                .containsEntry("awslogs-group", "/glfs/dev/runner").containsEntry("awslogs-region", "eu-west-1");
        assertThat(aws.iam().getRole(r -> r.roleName("glfs-dev-execution")).role().arn()).isNotBlank();
        assertThat(aws.logs().describeLogGroups(r -> r.logGroupNamePrefix("/glfs/dev/runner")).logGroups()).hasSize(1);
        assertThat(env.subnets()).hasSize(2).allSatisfy(s -> assertThat(aws.ec2().describeSubnets(r -> r.subnetIds(s))
                .subnets().get(0).availabilityZone()).startsWith("eu-west-1"));
    }

    /** The check that names agree: each name environment.yaml gives, evaluated for the stack, exists locally. */
    @Test
    void everyNameEnvironmentYamlGivesExistsOnTheEmulator() {
        Map<String, Object> template = CfnYaml.read(ProjectFiles.root().resolve("environment.yaml"));
        for (EnvironmentStacks.Deployed d : deployment.environments()) {
            // An environment in another account is deployed there; its registration is copied to the control
            // plane's account (checked below with the control plane's clients).
            var aws = d.account() == null ? deployment.aws()
                    : new dev.fargatescaler.local.aws.EmulatorClients(deployment.stack().target().inAccount(d.account()));
            Map<String, String> parameters = new LinkedHashMap<>(Map.of("EnvironmentName", d.name(),
                    "GitLabUrl", "https://gitlab.example.com", "RunnerImage", "x", "VpcId", d.network().vpcId(),
                    "SubnetIds", String.join(",", d.network().subnetIds()), "RunnerTokenSecretArn",
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"));
            CfnEvaluator stack = new CfnEvaluator(template, parameters, new CfnEvaluator.Deployment("eu-west-1",
                    "123456789012", d.stackName()), CfnEvaluator.PhysicalIds.none());

            assertThat(aws.ecs().describeClusters(r -> r.clusters(stack.resolveString(stack.resourceProperty("Cluster",
                    "ClusterName")))).clusters()).as(d.name()).hasSize(1);
            assertThat(aws.ecs().describeTaskDefinition(r -> r.taskDefinition(stack.resolveString(
                    stack.resourceProperty("TaskDefinition", "Family")))).taskDefinition()).isNotNull();
            assertThat(aws.logs().describeLogGroups(r -> r.logGroupNamePrefix(stack.resolveString(
                    stack.resourceProperty("RunnerLogGroup", "LogGroupName")))).logGroups()).hasSize(1);
            for (String role : List.of("ExecutionRole", "TaskRole")) {
                assertThat(aws.iam().getRole(r -> r.roleName(stack.resolveString(stack.resourceProperty(role,
                        "RoleName")))).role()).isNotNull();
            }
            assertThat(deployment.aws().ssm().getParameter(r -> r.name(d.ssmParameter())).parameter().value())
                    .contains("\"taskDefinition\":\"" + stack.resolveString(stack.resourceProperty("TaskDefinition",
                            "Family")) + "\"");
        }
    }

    @Test
    void productionIsDeployedInItsOwnAccountWithTheControlRoleAndRegisteredWithTheControlPlane() {
        EnvironmentStacks.Deployed production = deployment.environments().stream()
                .filter(e -> e.name().equals("production")).findFirst().orElseThrow();
        var there = new dev.fargatescaler.local.aws.EmulatorClients(deployment.stack().target().inAccount("210987654321"));

        assertThat(production.account()).isEqualTo("210987654321");
        assertThat(there.ecs().describeClusters(r -> r.clusters("glfs-production")).clusters()).singleElement()
                .satisfies(c -> assertThat(c.clusterArn()).contains(":210987654321:cluster/"));
        assertThat(deployment.aws().ecs().describeClusters(r -> r.clusters("glfs-production")).clusters())
                .as("not in the control plane's account").allSatisfy(c -> assertThat(c.status()).isNotEqualTo("ACTIVE"));
        assertThat(there.iam().getRole(r -> r.roleName("glfs-production-control")).role().assumeRolePolicyDocument())
                .contains("ScalerRole").contains("SweeperRole").contains("local-production");
        assertThat(production.environment().account().roleArn())
                .isEqualTo("arn:aws:iam::210987654321:role/glfs-production-control");
        assertThat(production.environment().account().externalId()).isEqualTo("local-production");
    }

    @Test
    void aSecondDeploymentOnTheSameEmulatorReusesWhatExists() throws IOException {
        LocalDeployment.Options options = new LocalDeployment.Options(ProjectFiles.root(), Map.of(), null, null,
                List.of(), false);
        try (LocalDeployment again = LocalDeployment.deploy(LocalDeployment.check(options, Region.EU_WEST_1, false),
                AwsTarget.emulator(moto.endpoint(), Region.EU_WEST_1), m -> { })) {
            assertThat(again.environments()).extracting(e -> e.network().vpcId())
                    .isEqualTo(deployment.environments().stream().map(e -> e.network().vpcId()).toList());
        }
    }
}
