package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.fargatescaler.deploychecks.Finding.Rule;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyCheckerTest {

    /**
     * The only findings accepted in the project's templates: the managed policies that SAM attaches by itself to
     * the roles it generates for functions without a {@code Role} (log writes for every function, and the SQS
     * poller policy for the scaler's event source). Their {@code *} resource is documented in docs/security.md;
     * anything else, including a new implicit policy, fails this test.
     */
    private static final Set<String> ACCEPTED_IMPLICIT = Set.of("implicit:AWSLambdaBasicExecutionRole",
            "implicit:AWSLambdaSQSQueueExecutionRole");

    @Test
    void theControlPlaneTemplateFollowsTheRules() {
        List<Finding> findings = PolicyChecker.check(Templates.project("template.yaml"));

        assertThat(findings.stream().filter(f -> !ACCEPTED_IMPLICIT.contains(f.origin())))
                .as("least-privilege violations in template.yaml").isEmpty();
        // The accepted ones are exactly SAM's log-writing policy per function (and the SQS poller's):
        assertThat(findings).allSatisfy(f -> assertThat(f.rule()).isEqualTo(Rule.UNSCOPED_RESOURCE_ON_MUTATING_ACTION));
        assertThat(findings).extracting(Finding::principal)
                .contains("WebhookFunction", "ScalerFunction", "ReporterFunction", "SweeperFunction");
    }

    @Test
    void theEnvironmentTemplateFollowsTheRulesWithNoException() {
        assertThat(PolicyChecker.check(Templates.project("environment.yaml"))).isEmpty();
    }

    @Test
    void aTemplateThatFollowsEveryRulePasses() {
        assertThat(PolicyChecker.check(Templates.testTemplate("good.yaml"))).isEmpty();
    }

    @Test
    void wildcardActionsFail() {
        assertThat(PolicyChecker.check(Templates.testTemplate("wildcard-action.yaml")))
                .extracting(Finding::rule, Finding::statement)
                .containsExactly(tuple(Rule.WILDCARD_ACTION, "AllOfEcs"));
    }

    @Test
    void mutatingActionsOnEveryResourceFail() {
        List<Finding> findings = PolicyChecker.check(Templates.testTemplate("star-resource.yaml"));

        assertThat(findings).extracting(Finding::rule, Finding::statement).containsExactly(
                tuple(Rule.UNSCOPED_RESOURCE_ON_MUTATING_ACTION, "StopAnything"),
                tuple(Rule.UNSCOPED_RESOURCE_ON_MUTATING_ACTION, "SendAnywhere"),
                tuple(Rule.SECRET_READ_UNSCOPED, "ReadEverySecret"));
        // The read-only DescribeTasks is not blamed, the mutating StopTask is:
        assertThat(findings.get(0).detail()).contains("ecs:StopTask").doesNotContain("ecs:DescribeTasks");
    }

    @Test
    void aViolationInEitherBranchOfAnIfFails() {
        assertThat(PolicyChecker.check(Templates.testTemplate("hidden-in-if.yaml")))
                .extracting(Finding::rule, Finding::statement)
                .containsExactly(tuple(Rule.UNSCOPED_RESOURCE_ON_MUTATING_ACTION,
                        "Wide"));
    }

    @Test
    void passRoleWithoutPassedToServiceFails() {
        assertThat(PolicyChecker.check(Templates.testTemplate("passrole.yaml")))
                .extracting(Finding::rule, Finding::principal)
                .containsExactly(tuple(Rule.PASS_ROLE_WITHOUT_SERVICE_CONDITION,
                        "Policy"));
    }

    @Test
    void aRoleThatCanReadASecretItsTasksDoNotUseFails() {
        assertThat(PolicyChecker.check(Templates.testTemplate("secret-not-needed.yaml")))
                .extracting(Finding::rule, Finding::statement)
                .containsExactly(tuple(Rule.SECRET_NOT_NEEDED, "SomeoneElsesToken"));
    }

    @Test
    void samFunctionsAreCheckedIncludingWhatSamAddsImplicitly() {
        List<Finding> findings = PolicyChecker.check(Templates.testTemplate("sam-function.yaml"));

        assertThat(findings).extracting(Finding::rule, Finding::statement).contains(
                tuple(Rule.MANAGED_POLICY, "AmazonECS_FullAccess"),
                tuple(Rule.UNKNOWN_SAM_POLICY_TEMPLATE, "LambdaInvokePolicy"),
                tuple(Rule.SECRET_NOT_NEEDED, "Other"),
                tuple(Rule.SECRET_READ_UNSCOPED, "AllParameters"),
                tuple(Rule.NOT_ACTION_OR_NOT_RESOURCE, "EverythingButIam"));
        assertThat(findings).extracting(Finding::statement).doesNotContain("ApiToken");
        assertThat(findings).extracting(Finding::origin)
                .contains("implicit:AWSLambdaBasicExecutionRole", "implicit:AWSLambdaSQSQueueExecutionRole");
    }

    @Test
    void aFunctionWithItsOwnRoleGetsNoImplicitPolicy() {
        Map<String, Object> template = CfnYaml.parse("""
                Resources:
                  F:
                    Type: AWS::Serverless::Function
                    Properties: {Role: arn:aws:iam::123456789012:role/r, Events: {Q: {Type: SQS}}}
                """);
        assertThat(PolicyChecker.check(template)).isEmpty();
    }
}
