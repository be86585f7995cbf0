package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.testkit.template.CfnEvaluator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An environment in another account, as both templates deploy it: the control plane may assume exactly the listed
 * roles and accepts task events from exactly the listed accounts; the environment's role trusts exactly the control
 * plane's function roles (with the external id when one is given), and its task events are forwarded to the
 * control plane's bus. Evaluated with testkit's {@link CfnEvaluator}, as local mode deploys them.
 */
class CrossAccountTemplatesTest {

    private static final String CONTROL_PLANE = "123456789012";
    private static final String PRODUCTION = "210987654321";
    private static final String ROLE = "arn:aws:iam::" + PRODUCTION + ":role/glfs-production-control";
    private static final String SCALER_ROLE = "arn:aws:iam::" + CONTROL_PLANE + ":role/glfs-ScalerRole-ABC";
    private static final String SWEEPER_ROLE = "arn:aws:iam::" + CONTROL_PLANE + ":role/glfs-SweeperRole-DEF";

    private static CfnEvaluator controlPlane(String roles, String accounts) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("GitLabUrl", "https://gitlab.example.com");
        p.put("GitLabTokenSecret", "glfs/gitlab-api-token");
        p.put("WebhookTokenSecret", "glfs/webhook-token");
        p.put("EnvironmentRoleArns", roles);
        p.put("EnvironmentAccountIds", accounts);
        return evaluate(Templates.project("template.yaml"), p, new CfnEvaluator.Deployment("eu-west-1", CONTROL_PLANE,
                "glfs"));
    }

    private static CfnEvaluator environment(String controlPlaneAccount, String externalId) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("EnvironmentName", "production");
        p.put("RunnerTags", "fargate,production");
        p.put("GitLabUrl", "https://gitlab.example.com");
        p.put("RunnerTokenSecretArn", "arn:aws:secretsmanager:eu-west-1:" + PRODUCTION
                + ":secret:glfs/production/runner-token-AbCdEf");
        p.put("RunnerImage", PRODUCTION + ".dkr.ecr.eu-west-1.amazonaws.com/glfs-runner:17.11.4");
        p.put("VpcId", "vpc-0123456789abcdef0");
        p.put("SubnetIds", "subnet-0a1b2c3d4e5f60718");
        p.put("ControlPlaneAccountId", controlPlaneAccount);
        p.put("ControlPlaneRoleArns", controlPlaneAccount.isEmpty() ? "" : SCALER_ROLE + "," + SWEEPER_ROLE);
        p.put("ExternalId", externalId);
        return evaluate(Templates.project("environment.yaml"), p, new CfnEvaluator.Deployment("eu-west-1",
                PRODUCTION, "glfs-env-production"));
    }

    private static CfnEvaluator evaluate(Map<String, Object> template, Map<String, String> parameters,
                                         CfnEvaluator.Deployment deployment) {
        CfnEvaluator stack = new CfnEvaluator(template, parameters, deployment, new CfnEvaluator.PhysicalIds() {
            @Override
            public String ref(String logicalId, String type) {
                return logicalId.equals("Cluster") ? "glfs-production" : logicalId.equals("SecurityGroup")
                        ? "sg-0123456789abcdef0" : "physical-id-of-" + logicalId;
            }

            @Override
            public String getAtt(String logicalId, String type, String attribute) {
                return type.equals("AWS::IAM::Role") && attribute.equals("Arn")
                        ? "arn:aws:iam::" + deployment.accountId() + ":role/glfs-" + logicalId
                        : "arn-of-" + logicalId + "." + attribute;
            }
        });
        assertThat(stack.problems()).as("CloudFormation would refuse these parameters").isEmpty();
        return stack;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(CfnEvaluator stack, String role) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Object policy : (List<Object>) stack.resourceProperty(role, "Policies")) {
            Map<String, Object> document = (Map<String, Object>) ((Map<String, Object>) policy).get("PolicyDocument");
            for (Object statement : (List<Object>) document.get("Statement")) {
                if (statement != CfnEvaluator.NO_VALUE) {
                    all.add((Map<String, Object>) statement);
                }
            }
        }
        return all;
    }

    private static List<Map<String, Object>> assumeRoleStatements(CfnEvaluator stack, String role) {
        return statements(stack, role).stream().filter(s -> "sts:AssumeRole".equals(s.get("Action"))).toList();
    }

    @Test
    void withoutOtherAccountsNoFunctionMayAssumeARoleAndTheBusStaysClosed() {
        CfnEvaluator stack = controlPlane("", "");

        for (String role : List.of("ScalerRole", "SweeperRole", "ReporterRole", "WebhookRole")) {
            assertThat(assumeRoleStatements(stack, role)).as(role).isEmpty();
        }
        assertThat(stack.creates("TaskEventsFromEnvironmentAccounts")).isFalse();
    }

    @Test
    void theScalerAndTheSweeperMayAssumeExactlyTheListedRolesAndTheBusAcceptsExactlyTheListedAccounts() {
        CfnEvaluator stack = controlPlane(ROLE + ",arn:aws:iam::310987654321:role/glfs-staging-control",
                PRODUCTION + ",310987654321");

        for (String role : List.of("ScalerRole", "SweeperRole")) {
            assertThat(assumeRoleStatements(stack, role)).as(role).singleElement()
                    .satisfies(s -> assertThat(s.get("Resource")).isEqualTo(List.of(ROLE,
                            "arn:aws:iam::310987654321:role/glfs-staging-control")));
        }
        // The reporter makes no ECS call: it needs no role.
        assertThat(assumeRoleStatements(stack, "ReporterRole")).isEmpty();
        assertThat(assumeRoleStatements(stack, "WebhookRole")).isEmpty();

        assertThat(stack.creates("TaskEventsFromEnvironmentAccounts")).isTrue();
        @SuppressWarnings("unchecked")
        Map<String, Object> statement = (Map<String, Object>) stack.resourceProperty(
                "TaskEventsFromEnvironmentAccounts", "Statement");
        assertThat(statement).containsEntry("Principal", Map.of("AWS", List.of(PRODUCTION, "310987654321")))
                .containsEntry("Action", "events:PutEvents")
                .containsEntry("Resource", "arn:aws:events:eu-west-1:" + CONTROL_PLANE + ":event-bus/default")
                .containsEntry("Condition", Map.of("StringEquals", Map.of("events:source", "aws.ecs",
                        "events:detail-type", "ECS Task State Change")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theReportersRuleMatchesTheListedAccountsEventsAndNoOthers() {
        Map<String, Object> events = (Map<String, Object>) controlPlane(ROLE, PRODUCTION)
                .resourceProperty("ReporterFunction", "Events");
        Map<String, Object> pattern = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) events
                .get("TaskStateChange")).get("Properties")).get("Pattern");
        Map<String, Object> alone = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                controlPlane("", "").resourceProperty("ReporterFunction", "Events")).get("TaskStateChange"))
                .get("Properties")).get("Pattern");

        assertThat(pattern.get("account")).isEqualTo(List.of(CONTROL_PLANE, PRODUCTION));
        assertThat(alone.get("account")).isEqualTo(List.of(CONTROL_PLANE));
        assertThat(((Map<String, Object>) pattern.get("detail")).get("clusterArn"))
                .isEqualTo(List.of(Map.of("wildcard", "arn:aws:ecs:eu-west-1:*:cluster/glfs-*")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEnvironmentsRoleTrustsOnlyTheControlPlanesFunctionRolesWithTheExternalId() {
        CfnEvaluator stack = environment(CONTROL_PLANE, "glfs-prod-7f3a");

        Map<String, Object> trust = (Map<String, Object>) stack.resourceProperty("ControlRole", "AssumeRolePolicyDocument");
        assertThat((List<Object>) trust.get("Statement")).singleElement().isEqualTo(Map.of("Effect", "Allow",
                "Principal", Map.of("AWS", List.of(SCALER_ROLE, SWEEPER_ROLE)), "Action", "sts:AssumeRole",
                "Condition", Map.of("StringEquals", Map.of("sts:ExternalId", "glfs-prod-7f3a"))));
        Map<String, Object> withoutId = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) environment(
                CONTROL_PLANE, "").resourceProperty("ControlRole", "AssumeRolePolicyDocument")).get("Statement")).get(0);
        assertThat(withoutId).doesNotContainKey("Condition").containsEntry("Principal",
                Map.of("AWS", List.of(SCALER_ROLE, SWEEPER_ROLE)));
    }

    @Test
    void theEnvironmentsRoleIsScopedToItsClusterTaskDefinitionAndRoles() {
        CfnEvaluator stack = environment(CONTROL_PLANE, "");
        String cluster = "arn:aws:ecs:eu-west-1:" + PRODUCTION + ":cluster/glfs-production";
        String tasks = "arn:aws:ecs:eu-west-1:" + PRODUCTION + ":task/glfs-production/*";

        assertThat(statements(stack, "ControlRole")).extracting(s -> s.get("Sid"), s -> s.get("Resource"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("RunThisEnvironmentsRunnerTasks", "arn:aws:ecs:eu-west-1:"
                                + PRODUCTION + ":task-definition/glfs-production-runner:*"),
                        org.assertj.core.groups.Tuple.tuple("TagTasksAtLaunchOnly", tasks),
                        org.assertj.core.groups.Tuple.tuple("DescribeAndStopThisEnvironmentsTasks", tasks),
                        org.assertj.core.groups.Tuple.tuple("ListThisEnvironmentsTasks", "*"),
                        org.assertj.core.groups.Tuple.tuple("PassThisEnvironmentsTaskRolesToEcsOnly", List.of(
                                "arn:aws:iam::" + PRODUCTION + ":role/glfs-ExecutionRole",
                                "arn:aws:iam::" + PRODUCTION + ":role/glfs-TaskRole")));
        assertThat(statements(stack, "ControlRole")).filteredOn(s -> s.containsKey("Condition")
                        && s.get("Condition").toString().contains("ecs:cluster"))
                .allSatisfy(s -> assertThat(s.get("Condition").toString()).contains(cluster)).hasSize(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEnvironmentsTaskEventsGoToTheControlPlanesDefaultBus() {
        CfnEvaluator stack = environment(CONTROL_PLANE, "");

        List<Object> targets = (List<Object>) stack.resourceProperty("TaskEventsForwardingRule", "Targets");
        assertThat(targets).singleElement().isEqualTo(Map.of("Id", "control-plane-default-bus",
                "Arn", "arn:aws:events:eu-west-1:" + CONTROL_PLANE + ":event-bus/default",
                "RoleArn", "arn:aws:iam::" + PRODUCTION + ":role/glfs-TaskEventsForwardingRole"));
        Map<String, Object> pattern = (Map<String, Object>) stack.resourceProperty("TaskEventsForwardingRule",
                "EventPattern");
        assertThat(pattern.get("detail").toString()).contains("arn:aws:ecs:eu-west-1:" + PRODUCTION
                + ":cluster/glfs-production");
        assertThat(statements(stack, "TaskEventsForwardingRole")).singleElement()
                .satisfies(s -> assertThat(s.get("Resource"))
                        .isEqualTo("arn:aws:events:eu-west-1:" + CONTROL_PLANE + ":event-bus/default"));
    }

    @Test
    void theRegisteredEnvironmentNamesTheRoleAndExternalIdAndParses() {
        CfnEvaluator stack = environment(CONTROL_PLANE, "glfs-prod-7f3a");
        Environment environment = EnvironmentParser.parseDocuments(Map.of("p",
                (String) stack.resourceProperty("EnvironmentParameter", "Value"))).all().get(0);

        assertThat(environment.account().roleArn()).isEqualTo("arn:aws:iam::" + PRODUCTION + ":role/glfs-ControlRole");
        assertThat(environment.account().externalId()).isEqualTo("glfs-prod-7f3a");
    }

    @Test
    void withoutAControlPlaneAccountTheStackIsAsBefore() {
        CfnEvaluator stack = environment("", "");

        assertThat(stack.creates("ControlRole")).isFalse();
        assertThat(stack.creates("TaskEventsForwardingRule")).isFalse();
        assertThat(stack.creates("TaskEventsForwardingRole")).isFalse();
        Environment environment = EnvironmentParser.parseDocuments(Map.of("p",
                (String) stack.resourceProperty("EnvironmentParameter", "Value"))).all().get(0);
        assertThat(environment.account().crossAccount()).isFalse();
    }
}
