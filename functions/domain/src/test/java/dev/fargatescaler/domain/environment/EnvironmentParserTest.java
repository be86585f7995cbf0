package dev.fargatescaler.domain.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.ConfigurationException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentParserTest {

    static final String FULL = """
            [
              {
                "name": "production",
                "tags": ["fargate", "production"],
                "runUntagged": false,
                "priority": 10,
                "cluster": "glfs-production",
                "taskDefinition": "glfs-runner-production:7",
                "containerName": "gitlab-runner",
                "subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-1a1b2c3d4e5f60718"],
                "securityGroups": ["sg-0a1b2c3d4e5f60718"],
                "assignPublicIp": false,
                "launchMode": {
                  "type": "CAPACITY_PROVIDER_STRATEGY",
                  "strategy": [
                    {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
                    {"capacityProvider": "FARGATE_SPOT", "weight": 3}
                  ],
                  "spotFallbackToOnDemand": true
                },
                "platformVersion": "1.4.0",
                "maxConcurrentTasks": 20,
                "maxTaskLifetime": "PT2H",
                "stuckBeforeRunningTimeout": "PT15M",
                "guards": {"projectIds": [42], "projectPaths": ["platform/*"], "refPattern": "main|release/.+"},
                "cost": {"cpu": 1024, "memoryMiB": 2048, "architecture": "ARM64"}
              },
              {
                "name": "dev",
                "tags": ["fargate"],
                "runUntagged": true,
                "cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/glfs-dev",
                "taskDefinition": "glfs-runner-dev",
                "subnets": ["subnet-0a1b2c3d"],
                "securityGroups": ["sg-0a1b2c3d"],
                "launchMode": {"type": "FARGATE_SPOT"}
              }
            ]
            """;

    @Test
    void parsesEveryField() {
        Environments environments = EnvironmentParser.parseArray(FULL, "ENVIRONMENTS");

        assertThat(environments.names()).containsExactly("production", "dev");
        Environment production = environments.named("production").orElseThrow();
        assertThat(production.tags()).containsExactlyInAnyOrder("fargate", "production");
        assertThat(production.priority()).isEqualTo(10);
        assertThat(production.cluster()).isEqualTo("glfs-production");
        assertThat(production.taskDefinition()).isEqualTo("glfs-runner-production:7");
        assertThat(production.taskDefinitionFamily()).isEqualTo("glfs-runner-production");
        assertThat(production.containerName()).isEqualTo("gitlab-runner");
        assertThat(production.subnets()).containsExactly("subnet-0a1b2c3d4e5f60718", "subnet-1a1b2c3d4e5f60718");
        assertThat(production.securityGroups()).containsExactly("sg-0a1b2c3d4e5f60718");
        assertThat(production.launchMode().type()).isEqualTo(LaunchMode.Type.CAPACITY_PROVIDER_STRATEGY);
        assertThat(production.launchMode().strategy()).containsExactly(
                new LaunchMode.CapacityProviderShare("FARGATE", 1, 1),
                new LaunchMode.CapacityProviderShare("FARGATE_SPOT", 0, 3));
        assertThat(production.launchMode().fallsBackToOnDemand()).isTrue();
        assertThat(production.platformVersion()).isEqualTo("1.4.0");
        assertThat(production.maxConcurrentTasks()).isEqualTo(20);
        assertThat(production.maxTaskLifetime()).isEqualTo(Duration.ofHours(2));
        assertThat(production.stuckBeforeRunningTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(production.guards().projectIds()).containsExactly(42L);
        assertThat(production.guards().refusal(7, "platform/api", "release/1.2")).isEmpty();
        assertThat(production.costHints()).isEqualTo(new CostHints(1024, 2048, "ARM64"));
    }

    @Test
    void appliesDefaults() {
        Environment dev = EnvironmentParser.parseArray(FULL, "ENVIRONMENTS").named("dev").orElseThrow();

        assertThat(dev.clusterName()).isEqualTo("glfs-dev");
        assertThat(dev.containerName()).isEqualTo(EnvironmentParser.DEFAULT_CONTAINER_NAME);
        assertThat(dev.assignPublicIp()).isFalse();
        assertThat(dev.priority()).isZero();
        assertThat(dev.platformVersion()).isNull();
        assertThat(dev.maxConcurrentTasks()).isEqualTo(EnvironmentParser.DEFAULT_MAX_CONCURRENT_TASKS);
        assertThat(dev.maxTaskLifetime()).isEqualTo(EnvironmentParser.DEFAULT_MAX_TASK_LIFETIME);
        assertThat(dev.stuckBeforeRunningTimeout()).isEqualTo(EnvironmentParser.DEFAULT_STUCK_BEFORE_RUNNING_TIMEOUT);
        assertThat(dev.launchMode().usesSpot()).isTrue();
        assertThat(dev.launchMode().fallsBackToOnDemand()).isFalse();
        assertThat(dev.guards().isEmpty()).isTrue();
    }

    @Test
    void reportsEveryProblemOfEveryEnvironmentAtOnce() {
        String json = """
                [
                  {"name": "Prod!", "tags": [], "cluster": "", "taskDefinition": "x:0", "subnets": [],
                   "securityGroups": ["sg-nothex"], "maxConcurrentTasks": 0, "maxTaskLifetime": "2h",
                   "launchMode": {"type": "SPOT"}, "maxConcurentTasks": 3},
                  {"tags": ["a", "a", "b,c"], "cluster": "c", "taskDefinition": "td", "subnets": ["subnet-12345678"],
                   "securityGroups": ["sg-12345678"], "stuckBeforeRunningTimeout": "PT4H",
                   "guards": {"refPattern": "(", "projectIds": [-1]},
                   "launchMode": {"type": "CAPACITY_PROVIDER_STRATEGY",
                                  "strategy": [{"capacityProvider": "FARGATE", "base": 1, "weight": 0},
                                               {"capacityProvider": "FARGATE_SPOT", "base": 2, "weight": 0}]}}
                ]
                """;

        assertThatThrownBy(() -> EnvironmentParser.parseArray(json, "ENVIRONMENTS"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.contains("name \"Prod!\" must match"))
                        .anyMatch(p -> p.contains("serves no job"))
                        .anyMatch(p -> p.contains("cluster must be"))
                        .anyMatch(p -> p.contains("taskDefinition must be"))
                        .anyMatch(p -> p.contains("subnets is required"))
                        .anyMatch(p -> p.contains("sg-nothex"))
                        .anyMatch(p -> p.contains("maxConcurrentTasks must be an integer from 1"))
                        .anyMatch(p -> p.contains("maxTaskLifetime must be an ISO-8601 duration"))
                        .anyMatch(p -> p.contains("launchMode.type must be"))
                        .anyMatch(p -> p.contains("unknown key \"maxConcurentTasks\""))
                        .anyMatch(p -> p.startsWith("ENVIRONMENTS[1]: name is required"))
                        .anyMatch(p -> p.contains("tag \"a\" is listed twice"))
                        .anyMatch(p -> p.contains("\"b,c\" is not a valid GitLab tag"))
                        .anyMatch(p -> p.contains("stuckBeforeRunningTimeout (PT4H) must be shorter"))
                        .anyMatch(p -> p.contains("guards.refPattern is not a valid regular expression"))
                        .anyMatch(p -> p.contains("guards.projectIds: -1"))
                        .anyMatch(p -> p.contains("only one capacity provider may have a base"))
                        .anyMatch(p -> p.contains("needs a weight above 0"))
                        .hasSizeGreaterThanOrEqualTo(18));
    }

    @Test
    void problemsNameTheEnvironment() {
        String json = """
                [{"name": "staging", "tags": ["x"], "cluster": "c", "taskDefinition": "td",
                  "subnets": ["subnet-12345678"], "securityGroups": ["sg-12345678"], "priority": 5000}]
                """;

        assertThatThrownBy(() -> EnvironmentParser.parseArray(json, "ENVIRONMENTS"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactly("environment \"staging\" (ENVIRONMENTS[0]): priority must be an integer "
                                + "from -1000 to 1000, got 5000"));
    }

    @Test
    void refusesDuplicateNamesAcrossDocuments() {
        String env = """
                {"name": "dev", "tags": ["x"], "cluster": "c", "taskDefinition": "td",
                 "subnets": ["subnet-12345678"], "securityGroups": ["sg-12345678"]}
                """;
        Map<String, String> documents = new LinkedHashMap<>();
        documents.put("SSM parameter /glfs/environments/a", env);
        documents.put("SSM parameter /glfs/environments/b", env);
        documents.put("SSM parameter /glfs/environments/c", "{not json");

        assertThatThrownBy(() -> EnvironmentParser.parseDocuments(documents))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.contains("/glfs/environments/c: is not valid JSON"))
                        .anyMatch(p -> p.contains("environment name \"dev\" is already used by SSM parameter "
                                + "/glfs/environments/a"))
                        .hasSize(2));
    }

    @Test
    void refusesAnEmptyListAndANonArray() {
        assertThatThrownBy(() -> EnvironmentParser.parseArray("[]", "ENVIRONMENTS"))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.problems()).containsExactly(
                                "no environment is configured: at least one is required"));
        assertThatThrownBy(() -> EnvironmentParser.parseArray("{}", "ENVIRONMENTS"))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.problems()).containsExactly(
                                "ENVIRONMENTS: must be a JSON array of environments"));
    }

    @Test
    void strategyOnlyWithItsType() {
        String json = """
                [{"name": "dev", "tags": ["x"], "cluster": "c", "taskDefinition": "td",
                  "subnets": ["subnet-12345678"], "securityGroups": ["sg-12345678"],
                  "launchMode": {"type": "FARGATE", "strategy": [{"capacityProvider": "FARGATE"}]}}]
                """;

        assertThatThrownBy(() -> EnvironmentParser.parseArray(json, "ENVIRONMENTS"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactly("environment \"dev\" (ENVIRONMENTS[0]): launchMode.strategy is only "
                                + "allowed with type CAPACITY_PROVIDER_STRATEGY"));
    }

    @Test
    void documentedExampleParses() throws Exception {
        // docs/configuration.md carries a complete example: it must stay valid.
        java.nio.file.Path doc = java.nio.file.Path.of(System.getProperty("project.root", "../.."),
                "docs", "configuration.md");
        String text = java.nio.file.Files.readString(doc);
        int start = text.indexOf("<!-- environments-example:start -->");
        int end = text.indexOf("<!-- environments-example:end -->");
        assertThat(start).isNotNegative();
        String block = text.substring(start, end);
        String json = block.substring(block.indexOf("```json") + 7, block.lastIndexOf("```"));

        Environments environments = EnvironmentParser.parseArray(json, "docs/configuration.md");

        assertThat(environments.names()).containsExactly("dev", "staging", "production");
        assertThat(List.of(environments.all().get(2).guards().isEmpty())).containsExactly(false);
        assertThat(environments.all().get(0).sizeClass("large")).hasValueSatisfying(c ->
                assertThat(c.size()).isEqualTo(new TaskSize(4096, 16384, 100)));
    }
}
