package dev.fargatescaler.domain.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.ConfigurationException;
import org.junit.jupiter.api.Test;

/** The {@code assumeRole} field of an environment: an environment in another AWS account. */
class AssumeRoleConfigTest {

    private static String environment(String name, String cluster, String assumeRole) {
        return """
                {"name": "%s", "tags": ["%s"], "cluster": "%s", "taskDefinition": "glfs-%s-runner",
                 "subnets": ["subnet-0a1b2c3d"], "securityGroups": ["sg-0a1b2c3d"]%s}
                """.formatted(name, name, cluster, name, assumeRole == null ? "" : ", \"assumeRole\": " + assumeRole);
    }

    @Test
    void anEnvironmentWithoutARoleIsInTheControlPlanesAccount() {
        Environment dev = EnvironmentParser.parseArray("[" + environment("dev", "glfs-dev", null) + "]", "E")
                .named("dev").orElseThrow();

        assertThat(dev.account()).isEqualTo(AccountAccess.OWN);
        assertThat(dev.account().crossAccount()).isFalse();
        assertThat(dev.account().accountId()).isEmpty();
    }

    @Test
    void readsTheRoleAndTheExternalId() {
        Environment production = EnvironmentParser.parseArray("[" + environment("production", "glfs-production",
                "{\"roleArn\": \"arn:aws:iam::210987654321:role/ops/glfs-production-control\", "
                        + "\"externalId\": \"glfs:prod-7f3a\"}") + "]", "E").named("production").orElseThrow();

        assertThat(production.account().crossAccount()).isTrue();
        assertThat(production.account().roleArn()).isEqualTo("arn:aws:iam::210987654321:role/ops/glfs-production-control");
        assertThat(production.account().externalId()).isEqualTo("glfs:prod-7f3a");
        assertThat(production.account().accountId()).contains("210987654321");
        assertThat(production.account().toString()).doesNotContain("prod-7f3a");
    }

    @Test
    void reportsEveryAssumeRoleProblemAtOnceWithoutEchoingTheExternalId() {
        String json = "[" + String.join(",",
                environment("a", "glfs-a", "{\"roleArn\": \"arn:aws:iam::12345:role/x\", \"externalId\": \"x\"}"),
                environment("b", "glfs-b", "{\"externalId\": \"has spaces in it\", \"role\": 1}"),
                environment("c", "arn:aws:ecs:eu-west-1:111111111111:cluster/glfs-c",
                        "{\"roleArn\": \"arn:aws:iam::222222222222:role/glfs-c\"}"),
                environment("d", "glfs-d", "\"arn:aws:iam::222222222222:role/glfs-d\""),
                environment("e", "glfs-e", "{\"roleArn\": \"arn:aws:iam::222222222222:user/glfs-e\"}"))
                + "]";

        assertThatThrownBy(() -> EnvironmentParser.parseArray(json, "E"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("environment \"a\"") && p.contains("assumeRole.roleArn must be an IAM role ARN"))
                        .anyMatch(p -> p.startsWith("environment \"a\"") && p.contains("assumeRole.externalId must be 2 to 1224"))
                        .anyMatch(p -> p.startsWith("environment \"b\"") && p.contains("assumeRole.roleArn is required"))
                        .anyMatch(p -> p.startsWith("environment \"b\"") && p.contains("unknown key \"assumeRole.role\""))
                        .anyMatch(p -> p.startsWith("environment \"b\"") && p.contains("assumeRole.externalId must be"))
                        .anyMatch(p -> p.startsWith("environment \"c\"")
                                && p.contains("is in account 111111111111, but assumeRole.roleArn is in account 222222222222"))
                        .anyMatch(p -> p.startsWith("environment \"d\"") && p.contains("assumeRole must be an object"))
                        .anyMatch(p -> p.startsWith("environment \"e\"") && p.contains("assumeRole.roleArn must be"))
                        .noneMatch(p -> p.contains("has spaces in it"))
                        .hasSize(8));
    }

    @Test
    void acceptsTheLimitsOfStsExternalIdsAndIamRoleNames() {
        String longId = "a".repeat(1224);
        String longName = "r".repeat(64);
        Environment ok = EnvironmentParser.parseArray("[" + environment("ok", "glfs-ok", "{\"roleArn\": "
                + "\"arn:aws-us-gov:iam::222222222222:role/" + longName + "\", \"externalId\": \"" + longId + "\"}")
                + "]", "E").named("ok").orElseThrow();
        assertThat(ok.account().externalId()).hasSize(1224);

        assertThatThrownBy(() -> EnvironmentParser.parseArray("[" + environment("tooLong".toLowerCase(), "glfs-x",
                "{\"roleArn\": \"arn:aws:iam::222222222222:role/" + longName + "r\", \"externalId\": \"" + longId
                        + "a\"}") + "]", "E"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).hasSize(2));
    }
}
