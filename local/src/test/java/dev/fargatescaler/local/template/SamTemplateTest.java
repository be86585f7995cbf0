package dev.fargatescaler.local.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.testkit.template.CfnEvaluator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SAM parts local mode reads (functions, Globals), evaluated with testkit's evaluator. */
class SamTemplateTest {

    @Test
    void theProjectTemplatesWebhookFunctionResolvesWithItsGlobals() throws IOException {
        SamTemplate template = SamTemplate.load(Path.of(System.getProperty("project.root", ".."), "template.yaml"));
        CfnEvaluator evaluator = new CfnEvaluator(template.raw(), Map.of("WebhookTokenSecret", "local/token",
                "MetricsNamespace", "Ns", "GitLabUrl", "https://gitlab.example.com", "GitLabTokenSecret", "t"),
                new CfnEvaluator.Deployment("eu-west-1", "123456789012", "stack"), new CfnEvaluator.PhysicalIds() {
                    @Override
                    public String ref(String logicalId, String type) {
                        return "phys-" + logicalId;
                    }

                    @Override
                    public String getAtt(String logicalId, String type, String attribute) {
                        return logicalId + "." + attribute;
                    }
                });
        SamTemplate.Function webhook = template.function("WebhookFunction");

        assertThat(webhook.handler()).isEqualTo("dev.fargatescaler.webhook.WebhookHandler::handleRequest");
        assertThat(evaluator.resolveString(webhook.environment().get("JOB_QUEUE_URL"))).isEqualTo("phys-JobQueue");
        assertThat(evaluator.resolveString(webhook.environment().get("WEBHOOK_TOKEN_SECRET"))).isEqualTo("local/token");
        // From Globals, merged with the function's own variables.
        assertThat(evaluator.resolveString(webhook.environment().get("POWERTOOLS_METRICS_NAMESPACE"))).isEqualTo("Ns");
        assertThat(template.functionIds()).contains("WebhookFunction", "ScalerFunction");
        assertThat(template.hasFunction("JobQueue")).isFalse();
    }
}
