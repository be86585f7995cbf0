package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.LaunchMode;
import dev.fargatescaler.testkit.template.CfnEvaluator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-environment stack registers its environment by writing JSON to SSM; the scaler, reporter and sweeper
 * parse it with {@link EnvironmentParser}. These tests resolve environment.yaml's intrinsic functions for given
 * parameters (as CloudFormation would) and feed the result to the real parser, so a field renamed on either side
 * fails here rather than in a deployed scaler. They also check that the parameter lands where the scaler reads.
 * The evaluation is testkit's {@link CfnEvaluator}, the one local mode deploys environment.yaml with.
 */
class EnvironmentStackContractTest {

    private static final CfnEvaluator.Deployment DEPLOYMENT = new CfnEvaluator.Deployment("eu-west-1", "123456789012",
            "glfs-env-production");

    private static final Map<String, Object> STACK = Templates.project("environment.yaml");
    private static final Map<String, String> CREATED = Map.of("Cluster", "glfs-production",
            "SecurityGroup", "sg-0123456789abcdef0", "RunnerLogGroup", "/glfs/production/runner");

    private static Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("EnvironmentName", "production");
        p.put("RunnerTags", "fargate,production");
        p.put("GitLabUrl", "https://gitlab.example.com");
        p.put("RunnerTokenSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:glfs/production/runner-token-AbCdEf");
        p.put("RunnerImage", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/glfs-runner:17.11.4");
        p.put("VpcId", "vpc-0123456789abcdef0");
        p.put("SubnetIds", "subnet-0a1b2c3d4e5f60718,subnet-1a1b2c3d4e5f60718");
        return p;
    }

    /** The stack evaluated as CloudFormation would: resources it creates are called what {@code created} says. */
    private static CfnEvaluator stack(Map<String, Object> template, Map<String, String> parameters,
                                      Map<String, String> created) {
        CfnEvaluator stack = new CfnEvaluator(template, parameters, DEPLOYMENT, new CfnEvaluator.PhysicalIds() {
            @Override
            public String ref(String logicalId, String type) {
                return created.getOrDefault(logicalId, "physical-id-of-" + logicalId);
            }

            @Override
            public String getAtt(String logicalId, String type, String attribute) {
                return "arn-of-" + logicalId + "." + attribute;
            }
        });
        assertThat(stack.problems()).as("CloudFormation would refuse these parameters").isEmpty();
        return stack;
    }

    private static Environment parse(Map<String, String> parameters, Map<String, String> created) {
        CfnEvaluator stack = stack(STACK, parameters, created);
        String name = (String) stack.resourceProperty("EnvironmentParameter", "Name");
        String json = (String) stack.resourceProperty("EnvironmentParameter", "Value");
        return EnvironmentParser.parseDocuments(Map.of(name, json)).all().get(0);
    }

    @Test
    void theDefaultsGiveAnEnvironmentTheScalerAccepts() {
        Environment env = parse(parameters(), CREATED);

        assertThat(env.name()).isEqualTo("production");
        assertThat(env.tags()).containsExactlyInAnyOrder("fargate", "production");
        assertThat(env.runUntagged()).isFalse();
        assertThat(env.cluster()).isEqualTo("glfs-production");
        assertThat(env.taskDefinition()).isEqualTo("glfs-production-runner");
        assertThat(env.containerName()).isEqualTo("runner");
        assertThat(env.subnets()).containsExactly("subnet-0a1b2c3d4e5f60718", "subnet-1a1b2c3d4e5f60718");
        assertThat(env.securityGroups()).containsExactly("sg-0123456789abcdef0");
        assertThat(env.assignPublicIp()).isFalse();
        assertThat(env.launchMode()).isEqualTo(LaunchMode.fargate());
        assertThat(env.maxConcurrentTasks()).isEqualTo(10);
        assertThat(env.maxTaskLifetime()).isEqualTo(Duration.ofHours(3));
        assertThat(env.guards().isEmpty()).isTrue();
        assertThat(env.costHints().cpu()).isEqualTo(1024);
        assertThat(env.costHints().memoryMiB()).isEqualTo(2048);
        assertThat(env.costHints().architecture()).isEqualTo("ARM64");
    }

    @Test
    void everyOptionReachesTheScaler() {
        Map<String, String> p = parameters();
        p.put("RunnerTags", "");
        p.put("RunUntagged", "true");
        p.put("Priority", "-5");
        p.put("Guards", "{\"projectIds\":[42],\"projectPaths\":[\"platform/*\"],\"refPattern\":\"main\"}");
        p.put("LaunchType", "FARGATE_SPOT");
        p.put("SpotFallbackToOnDemand", "true");
        p.put("MaxConcurrentTasks", "3");
        p.put("MaxTaskLifetime", "PT1H30M");
        p.put("StuckBeforeRunningTimeout", "PT5M");
        p.put("AssignPublicIp", "ENABLED");
        p.put("SecurityGroupIds", "sg-0aaaaaaaaaaaaaaa1,sg-0aaaaaaaaaaaaaaa2");
        p.put("ExistingClusterName", "shared-runners");
        p.put("CpuArchitecture", "X86_64");
        p.put("Cpu", "2048");
        p.put("Memory", "4096");

        Environment env = parse(p, Map.of("RunnerLogGroup", "/glfs/production/runner"));

        assertThat(env.tags()).isEmpty();
        assertThat(env.runUntagged()).isTrue();
        assertThat(env.priority()).isEqualTo(-5);
        assertThat(env.guards().projectIds()).containsExactly(42L);
        assertThat(env.guards().refusal(42, "x/y", "main")).isEmpty();
        assertThat(env.guards().refusal(42, "x/y", "feature")).isPresent();
        assertThat(env.launchMode()).isEqualTo(LaunchMode.fargateSpot(true));
        assertThat(env.maxConcurrentTasks()).isEqualTo(3);
        assertThat(env.maxTaskLifetime()).isEqualTo(Duration.ofMinutes(90));
        assertThat(env.stuckBeforeRunningTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(env.assignPublicIp()).isTrue();
        assertThat(env.securityGroups()).containsExactly("sg-0aaaaaaaaaaaaaaa1", "sg-0aaaaaaaaaaaaaaa2");
        assertThat(env.cluster()).isEqualTo("shared-runners");
        assertThat(env.costHints().architecture()).isEqualTo("X86_64");
        assertThat(env.costHints().cpu()).isEqualTo(2048);
    }

    @Test
    void spotFallbackOnlyAppliesToSpot() {
        Map<String, String> p = parameters();
        p.put("LaunchType", "FARGATE");
        p.put("SpotFallbackToOnDemand", "true");
        assertThat(parse(p, CREATED).launchMode().spotFallbackToOnDemand()).isFalse();
    }

    @Test
    void theParameterLandsUnderThePathTheControlPlaneReads() {
        CfnEvaluator controlPlane = stack(Templates.project("template.yaml"),
                Map.of("GitLabUrl", "https://gitlab.example.com", "GitLabTokenSecret", "glfs/gitlab-api-token",
                        "WebhookTokenSecret", "glfs/webhook-token"), Map.of());
        String readPath = (String) controlPlane.resolve(Map.of("Ref", "EnvironmentsSsmPath"));
        Object scalerPath = ((Map<?, ?>) ((Map<?, ?>) controlPlane.resourceProperty("ScalerFunction", "Environment"))
                .get("Variables")).get("ENVIRONMENTS_SSM_PATH");

        String written = (String) stack(STACK, parameters(), CREATED)
                .resourceProperty("EnvironmentParameter", "Name");

        assertThat(scalerPath).isEqualTo(readPath);
        assertThat(written).isEqualTo(readPath + "/production");
    }

    @Test
    void sizeClassesReachTheScalerAndEachClassTokenIsASecretOnlyTheExecutionRoleReads() {
        Map<String, String> p = parameters();
        String slot1 = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:glfs/production/large-token-AbCdEf";
        String slot3 = "arn:aws:ssm:eu-west-1:123456789012:parameter/glfs/production/huge-token";
        p.put("SizeClasses", "[{\"name\":\"large\",\"tags\":[\"production-large\"],\"cpu\":4096,"
                + "\"memoryMiB\":16384,\"ephemeralStorageGiB\":100,\"tokenSlot\":1},"
                + "{\"name\":\"huge\",\"tags\":[\"production-huge\"],\"cpu\":16384,\"memoryMiB\":65536,"
                + "\"tokenSlot\":3}]");
        p.put("SizeClass1TokenSecretArn", slot1);
        p.put("SizeClass3TokenSecretArn", slot3);

        Environment env = parse(p, CREATED);
        CfnEvaluator stack = stack(STACK, p, CREATED);

        assertThat(env.sizeClasses()).extracting(c -> c.name() + "/" + c.tokenVariable())
                .containsExactly("large/CI_SERVER_TOKEN_1", "huge/CI_SERVER_TOKEN_3");
        @SuppressWarnings("unchecked")
        Map<String, Object> container = ((List<Map<String, Object>>) stack.resourceProperty("TaskDefinition",
                "ContainerDefinitions")).get(0);
        assertThat(container.get("Secrets")).isEqualTo(List.of(
                Map.of("Name", "CI_SERVER_TOKEN", "ValueFrom", p.get("RunnerTokenSecretArn")),
                Map.of("Name", "CI_SERVER_TOKEN_1", "ValueFrom", slot1),
                Map.of("Name", "CI_SERVER_TOKEN_3", "ValueFrom", slot3)));
        assertThat(container).doesNotContainKeys("Cpu", "Memory");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> statements = (List<Map<String, Object>>) ((Map<String, Object>)
                ((List<Map<String, Object>>) stack.resourceProperty("ExecutionRole", "Policies")).get(0)
                        .get("PolicyDocument")).get("Statement");
        assertThat(statements).filteredOn(st -> String.valueOf(st.get("Sid")).startsWith("ReadSizeClass"))
                .extracting(st -> st.get("Sid") + " " + st.get("Action") + " " + st.get("Resource"))
                .containsExactly("ReadSizeClass1RunnerToken secretsmanager:GetSecretValue " + slot1,
                        "ReadSizeClass3RunnerToken ssm:GetParameters " + slot3);
    }

    @Test
    void withoutSizeClassesTheStackRegistersNone() {
        assertThat(parse(parameters(), CREATED).sizeClasses()).isEmpty();
    }

    @Test
    void theRunnerGetsItsTokenFromSecretsAndNeverAsPlainEnvironment() {
        CfnEvaluator stack = stack(STACK, parameters(), CREATED);
        @SuppressWarnings("unchecked")
        Map<String, Object> container = ((List<Map<String, Object>>) stack.resourceProperty("TaskDefinition",
                "ContainerDefinitions")).get(0);

        assertThat(container.get("Secrets")).isEqualTo(List.of(Map.of("Name", "CI_SERVER_TOKEN",
                "ValueFrom", parameters().get("RunnerTokenSecretArn"))));
        assertThat(container.get("Environment").toString()).doesNotContain("secretsmanager", "glrt-", "CI_SERVER_TOKEN");
        assertThat(container.get("Environment")).asList()
                .contains(Map.of("Name", "CI_SERVER_URL", "Value", "https://gitlab.example.com"));
    }
}
