package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A secret reference is "ssm:/path" or a Secrets Manager name; template.yaml tells them apart with
 * {@code Fn::Select}/{@code Fn::Split} on the reference with ":" appended (so that a name without a colon still
 * has a second element). These tests resolve the conditions and the read permission for each form, so that a
 * rewrite of those expressions (Fn::Join to Fn::Sub, cfn-lint I1022) cannot change what a deployment grants.
 */
class SecretReferenceTest {

    private static final Map<String, Object> TEMPLATE = Templates.project("template.yaml");

    @Test
    void anSsmReferenceGrantsGetParameterOnThatPath() {
        EvaluatedStack stack = stack("ssm:/glfs/webhook-token");

        assertThat(stack.condition("TokenSecretIsSsm")).isTrue();
        assertThat(webhookTokenStatement(stack))
                .containsEntry("Action", "ssm:GetParameter")
                .containsEntry("Resource", "arn:aws:ssm:eu-west-1:123456789012:parameter/glfs/webhook-token");
    }

    @Test
    void aSecretsManagerNameGrantsGetSecretValueOnThatSecret() {
        EvaluatedStack stack = stack("glfs/webhook-token");

        assertThat(stack.condition("TokenSecretIsSsm")).isFalse();
        assertThat(webhookTokenStatement(stack))
                .containsEntry("Action", "secretsmanager:GetSecretValue")
                .containsEntry("Resource", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:glfs/webhook-token-??????");
    }

    @Test
    void anEmptyReferenceIsNeitherAndGrantsNothing() {
        EvaluatedStack stack = stack("");

        assertThat(stack.condition("HasTokenSecret")).isFalse();
        assertThat(stack.condition("TokenSecretIsSsm")).isFalse();
        assertThat(webhookTokenStatement(stack)).isEmpty();
    }

    private static EvaluatedStack stack(String webhookTokenSecret) {
        Map<String, String> p = new HashMap<>();
        p.put("GitLabUrl", "https://gitlab.example.com");
        p.put("GitLabTokenSecret", "glfs/gitlab-api-token");
        p.put("WebhookTokenSecret", webhookTokenSecret);
        p.put("WebhookSigningSecret", "glfs/webhook-signing-token");
        return new EvaluatedStack(TEMPLATE, p, Map.of());
    }

    /** The webhook role's statement for the token secret, resolved; empty when the deployment grants none. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> webhookTokenStatement(EvaluatedStack stack) {
        Map<String, Object> role = (Map<String, Object>) ((Map<String, Object>) TEMPLATE.get("Resources")).get("WebhookRole");
        List<Object> policies = (List<Object>) ((Map<String, Object>) role.get("Properties")).get("Policies");
        Map<String, Object> document = (Map<String, Object>) ((Map<String, Object>) policies.get(0)).get("PolicyDocument");
        for (Object statement : (List<Object>) document.get("Statement")) {
            if (!String.valueOf(statement).contains("ReadWebhookTokenSecret")) {
                continue;
            }
            Object resolved = stack.evaluate(statement);
            return resolved instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        }
        throw new AssertionError("no ReadWebhookTokenSecret statement in WebhookRole");
    }
}
