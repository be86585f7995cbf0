package dev.fargatescaler.domain.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.ConfigurationException;
import org.junit.jupiter.api.Test;

/** {@code sizeClasses}, read through the environment parser as configurations are. */
class SizeClassParserTest {

    private static String environment(String sizeClasses) {
        return environment(sizeClasses, "LATEST");
    }

    private static String environment(String sizeClasses, String platformVersion) {
        return """
                [{"name": "dev", "tags": ["fargate", "dev"], "runUntagged": true, "cluster": "glfs-dev",
                  "taskDefinition": "glfs-dev-runner", "subnets": ["subnet-0a1b2c3d"],
                  "securityGroups": ["sg-0a1b2c3d"], "platformVersion": "%s",
                  "sizeClasses": %s}]
                """.formatted(platformVersion, sizeClasses);
    }

    @Test
    void readsClasses() {
        Environment dev = EnvironmentParser.parseArray(environment("""
                [{"name": "large", "tags": ["dev-large"], "cpu": 4096, "memoryMiB": 16384,
                  "ephemeralStorageGiB": 100, "tokenSlot": 1},
                 {"name": "medium", "tags": ["dev-medium", "dev-m"], "cpu": 2048, "memoryMiB": 4096, "tokenSlot": 3}]
                """), "ENVIRONMENTS").all().get(0);

        assertThat(dev.sizeClasses()).extracting(SizeClass::name).containsExactly("large", "medium");
        SizeClass large = dev.sizeClass("large").orElseThrow();
        assertThat(large.tags()).containsExactly("dev-large");
        assertThat(large.size()).isEqualTo(new TaskSize(4096, 16384, 100));
        assertThat(large.tokenVariable()).isEqualTo("CI_SERVER_TOKEN_1");
        assertThat(dev.sizeClass("medium").orElseThrow().size().ephemeralStorageGiB()).isNull();
        assertThat(dev.sizeClass("medium").orElseThrow().tokenVariable()).isEqualTo("CI_SERVER_TOKEN_3");
    }

    @Test
    void noClassesWhenAbsent() {
        Environment dev = EnvironmentParser.parseArray(environment("null"), "ENVIRONMENTS").all().get(0);
        assertThat(dev.sizeClasses()).isEmpty();
    }

    @Test
    void reportsEveryProblemOfEveryClassAtOnce() {
        assertThatThrownBy(() -> EnvironmentParser.parseArray(environment("""
                [{"name": "large", "tags": ["dev"], "cpu": 4096, "memoryMiB": 4096, "ephemeralStorageGiB": 500,
                  "tokenSlot": 4, "colour": "red"},
                 {"name": "default", "tags": ["dev-xl"], "cpu": 3000, "memoryMiB": 4096, "tokenSlot": 1},
                 {"name": "small", "tags": ["dev-xl"], "memoryMiB": 1024, "tokenSlot": 1}]
                """), "ENVIRONMENTS"))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems()).containsExactlyInAnyOrder(
                        "environment \"dev\" (ENVIRONMENTS[0]): sizeClasses[0] (large): unknown key \"colour\" "
                                + "(known: cpu, ephemeralStorageGiB, memoryMiB, name, tags, tokenSlot)",
                        "environment \"dev\" (ENVIRONMENTS[0]): sizeClasses[0] (large): tag \"dev\" is also one of "
                                + "the environment's tags: a class runner's tags must share none with the "
                                + "environment's (or GitLab could give the class runner the environment's jobs, and "
                                + "the other way round); give the class a tag of its own, such as \"dev-large\"",
                        "environment \"dev\" (ENVIRONMENTS[0]): sizeClasses[0] (large): memory 4096 MiB is not a "
                                + "Fargate size for cpu 4096: with cpu 4096 Fargate allows 8192 to 30720 MiB in steps "
                                + "of 1024 (AWS's table of task CPU and memory: docs/configuration.md, \"Size "
                                + "classes\")",
                        "environment \"dev\" (ENVIRONMENTS[0]): sizeClasses[0] (large): ephemeralStorageGiB 500 is "
                                + "outside Fargate's 21 to 200 GiB",
                        "environment \"dev\" (ENVIRONMENTS[0]): sizeClasses[0] (large): tokenSlot must be 1 to 3 "
                                + "(environment.yaml SizeClass<n>TokenSecretArn), got 4",
                        "environment \"dev\" (ENVIRONMENTS[0]): sizeClasses[1] (default): name \"default\" is "
                                + "reserved for the environment's own size",
                        "environment \"dev\" (ENVIRONMENTS[0]): sizeClasses[1] (default): cpu 3000 is not a Fargate "
                                + "task CPU: use 256, 512, 1024, 2048, 4096, 8192 or 16384 (1024 = 1 vCPU)",
                        "environment \"dev\" (ENVIRONMENTS[0]): sizeClasses[2] (small): cpu is required (a whole "
                                + "number)"));
    }

    @Test
    void classesShareNoTagAndNoTokenSlot() {
        assertThatThrownBy(() -> EnvironmentParser.parseArray(environment("""
                [{"name": "large", "tags": ["dev-large"], "cpu": 4096, "memoryMiB": 8192, "tokenSlot": 1},
                 {"name": "huge", "tags": ["dev-large", "dev-huge"], "cpu": 8192, "memoryMiB": 16384, "tokenSlot": 1},
                 {"name": "large", "tags": ["dev-l"], "cpu": 4096, "memoryMiB": 8192, "tokenSlot": 2}]
                """), "ENVIRONMENTS"))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems()).containsExactlyInAnyOrder(
                        "environment \"dev\" (ENVIRONMENTS[0]): sizeClasses[1] (huge): tag \"dev-large\" is also a "
                                + "tag of size class large: classes must not share tags",
                        "environment \"dev\" (ENVIRONMENTS[0]): sizeClasses[1] (huge): tokenSlot 1 is already the "
                                + "slot of size class large: each class runner has its own token",
                        "environment \"dev\" (ENVIRONMENTS[0]): sizeClasses[2] (large): name \"large\" is used by "
                                + "another size class of this environment"));
    }

    @Test
    void largeSizesAndStorageNeedPlatform14() {
        assertThatThrownBy(() -> EnvironmentParser.parseArray(environment("""
                [{"name": "huge", "tags": ["dev-huge"], "cpu": 8192, "memoryMiB": 16384, "tokenSlot": 1}]
                """, "1.3.0"), "ENVIRONMENTS"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("needs Fargate platform version 1.4.0 or later");
    }

    @Test
    void classesNeedTagsAndAnArray() {
        assertThatThrownBy(() -> EnvironmentParser.parseArray(environment("""
                [{"name": "large", "tags": [], "cpu": 4096, "memoryMiB": 8192, "tokenSlot": 1}]
                """), "ENVIRONMENTS")).hasMessageContaining("tags are required");
        assertThatThrownBy(() -> EnvironmentParser.parseArray(environment("{}"), "ENVIRONMENTS"))
                .hasMessageContaining("sizeClasses must be an array");
    }
}
