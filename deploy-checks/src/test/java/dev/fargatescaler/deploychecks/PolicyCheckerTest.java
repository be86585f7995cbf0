package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.fargatescaler.deploychecks.Finding.Rule;
import dev.fargatescaler.testkit.template.CfnYaml;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyCheckerTest {

    @Test
    void theControlPlaneTemplateFollowsTheRulesWithNoException() {
        // Every function has its own explicit role: SAM's generated roles would add AWSLambdaBasicExecutionRole
        // (logs on "*") and AWSLambdaSQSQueueExecutionRole (SQS on "*"), which this checker reports.
        assertThat(PolicyChecker.check(Templates.project("template.yaml")))
                .as("least-privilege violations in template.yaml").isEmpty();
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
    void assumingRolesByWildcardFailsAndAListOfRolesPasses() {
        assertThat(PolicyChecker.check(Templates.testTemplate("assume-role-wildcard.yaml")))
                .extracting(Finding::rule, Finding::statement)
                .containsExactly(tuple(Rule.ASSUME_ROLE_NOT_LISTED, "AssumeAnyEnvironmentRole"));
    }

    @Test
    void trustingAWholeAccountWithoutAConditionFails() {
        assertThat(PolicyChecker.check(Templates.testTemplate("trust-too-wide.yaml")))
                .extracting(Finding::rule, Finding::principal)
                .containsExactly(tuple(Rule.TRUST_TOO_WIDE, "TrustsAnAccount"),
                        tuple(Rule.TRUST_TOO_WIDE, "TrustsAnAccountId"));
    }

    @Test
    void anEventBusPolicyOpenToAnyoneOrBeyondPutEventsFails() {
        assertThat(PolicyChecker.check(Templates.testTemplate("bus-policy-open.yaml")))
                .extracting(Finding::rule, Finding::principal)
                .containsExactly(tuple(Rule.EVENT_BUS_POLICY_TOO_WIDE, "Open"),
                        tuple(Rule.EVENT_BUS_POLICY_TOO_WIDE, "MoreThanPut"));
    }

    @Test
    void aFunctionWithItsOwnRoleGetsNoImplicitPolicy() {
        Map<String, Object> template = CfnYaml.parseTemplate("""
                Resources:
                  F:
                    Type: AWS::Serverless::Function
                    Properties: {Role: arn:aws:iam::123456789012:role/r, Events: {Q: {Type: SQS}}}
                """);
        assertThat(PolicyChecker.check(template)).isEmpty();
    }
}
