package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.shared.aws.DynamoDbProjectRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Catch-up discovery as the template deploys it: on by default, one on-demand table with TTL whose key and expiry
 * are the adapter's, and least privilege on it (the webhook may only UpdateItem; the sweeper Scan and UpdateItem;
 * nobody else touches DynamoDB).
 */
class CatchUpDiscoveryTemplateTest {

    private static final Map<String, Object> TEMPLATE = Templates.project("template.yaml");
    private static final Map<String, String> IDS = Map.of("ProjectsTable", "test-stack-ProjectsTable-ABC",
            "JobQueue", "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs");

    private static Map<String, Object> parameters(String discovery) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("WebhookTokenSecret", "glfs/webhook-token");
        p.put("GitLabUrl", "https://gitlab.example.com");
        p.put("GitLabTokenSecret", "glfs/gitlab-token");
        if (discovery != null) {
            p.put("CatchUpDiscovery", discovery);
        }
        return p;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> variables(EvaluatedStack stack, String function) {
        Map<String, Object> environment = (Map<String, Object>) stack.resourceProperty(function, "Environment");
        return (Map<String, Object>) environment.get("Variables");
    }

    private static EvaluatedStack stack(String discovery) {
        Map<String, String> values = new LinkedHashMap<>();
        parameters(discovery).forEach((k, v) -> values.put(k, String.valueOf(v)));
        return new EvaluatedStack(TEMPLATE, values, IDS);
    }

    @Test
    void afterADeployWithDefaultsBothFunctionsUseTheProjectsTable() {
        EvaluatedStack defaults = stack(null);

        assertThat(variables(defaults, "WebhookFunction")).containsEntry("PROJECTS_TABLE", IDS.get("ProjectsTable"));
        assertThat(variables(defaults, "SweeperFunction")).containsEntry("PROJECTS_TABLE", IDS.get("ProjectsTable"))
                .containsEntry("CATCH_UP_PROJECT_IDS", "").containsEntry("CATCH_UP_MAX_PAGES", "100")
                .containsEntry("CATCH_UP_ACTIVE_DAYS", "7");
        EvaluatedStack off = stack("off");
        assertThat(variables(off, "WebhookFunction")).containsEntry("PROJECTS_TABLE", "");
        assertThat(variables(off, "SweeperFunction")).containsEntry("PROJECTS_TABLE", "");
    }

    @Test
    void thePerProjectLimitNeverExceedsTheSmallestRunBudget() {
        Map<String, Object> budget = map(map(TEMPLATE.get("Parameters")).get("CatchUpMaxPagesPerRun"));
        int perProject = Integer.parseInt(String.valueOf(variables(stack(null), "SweeperFunction")
                .get("CATCH_UP_MAX_PAGES_PER_PROJECT")));

        assertThat(perProject).isLessThanOrEqualTo(((Number) budget.get("MinValue")).intValue());
    }

    @Test
    void theTableIsOnDemandKeyedAndExpiredAsTheAdapterExpects() {
        Map<String, Object> table = map(map(TEMPLATE.get("Resources")).get("ProjectsTable"));
        Map<String, Object> props = map(table.get("Properties"));

        assertThat(table.get("Type")).isEqualTo("AWS::DynamoDB::Table");
        assertThat(props.get("BillingMode")).isEqualTo("PAY_PER_REQUEST");
        assertThat(props.get("KeySchema")).isEqualTo(List.of(Map.of("AttributeName",
                DynamoDbProjectRegistry.PROJECT_ID, "KeyType", "HASH")));
        assertThat(props.get("AttributeDefinitions")).isEqualTo(List.of(Map.of("AttributeName",
                DynamoDbProjectRegistry.PROJECT_ID, "AttributeType", "N")));
        assertThat(props.get("TimeToLiveSpecification")).isEqualTo(Map.of("AttributeName",
                DynamoDbProjectRegistry.EXPIRES, "Enabled", true));
    }

    @Test
    void onlyTheWebhookAndTheSweeperMayTouchTheTableAndOnlyAsTheyNeed() {
        Map<String, List<String>> grants = new LinkedHashMap<>();
        for (Map.Entry<String, Object> resource : map(TEMPLATE.get("Resources")).entrySet()) {
            Map<String, Object> r = map(resource.getValue());
            if (!"AWS::IAM::Role".equals(r.get("Type"))) {
                continue;
            }
            for (Object policy : Intrinsics.elements(map(r.get("Properties")).get("Policies"))) {
                for (Object statement : Intrinsics.elements(map(map(policy).get("PolicyDocument")).get("Statement"))) {
                    Map<String, Object> st = map(statement);
                    List<String> actions = new ArrayList<>();
                    Intrinsics.elements(st.get("Action")).forEach(a -> actions.add(String.valueOf(a)));
                    if (actions.stream().noneMatch(a -> a.toLowerCase().startsWith("dynamodb:"))) {
                        continue;
                    }
                    assertThat(st.get("Resource")).as(resource.getKey())
                            .isEqualTo(Map.of("Fn::GetAtt", List.of("ProjectsTable", "Arn")));
                    grants.computeIfAbsent(resource.getKey(), k -> new ArrayList<>()).addAll(actions);
                }
            }
        }

        assertThat(grants).containsOnlyKeys("WebhookRole", "SweeperRole");
        assertThat(grants.get("WebhookRole")).containsExactly("dynamodb:UpdateItem");
        assertThat(grants.get("SweeperRole")).containsExactlyInAnyOrder("dynamodb:Scan", "dynamodb:UpdateItem");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
