package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GitLab counts every 4xx and 5xx answer toward disabling a hook, 429 included
 * (gitlabhq: app/services/web_hook_service.rb {@code response_category}: only 2xx and 3xx are {@code :ok};
 * app/models/concerns/web_hooks/auto_disabling.rb: 4 failures in a row disable the hook). So the HTTP API's own
 * throttle must stay above what GitLab can send, be adjustable, and say so (docs/delivery.md#throttling).
 */
class WebhookThrottlingTest {

    /**
     * The highest per-namespace webhook rate on GitLab.com: 13,000 calls a minute for Ultimate with 5,000 seats
     * or more (gitlabhq: doc/user/gitlab_com/_index.md, "Webhooks" / "Rate limits").
     */
    private static final double GITLAB_COM_HIGHEST_RATE_PER_SECOND = 13_000 / 60.0;

    private static final Map<String, Object> TEMPLATE = Templates.project("template.yaml");

    @Test
    void theRouteLimitsAreParameters() {
        Map<String, Object> route = map(property("WebhookApi", "DefaultRouteSettings"));

        assertThat(route.get("ThrottlingRateLimit")).isEqualTo(Map.of("Ref", "WebhookThrottlingRateLimit"));
        assertThat(route.get("ThrottlingBurstLimit")).isEqualTo(Map.of("Ref", "WebhookThrottlingBurstLimit"));
    }

    @Test
    void theDefaultsLetThroughTheMostThatGitLabComSendsOneNamespace() {
        assertThat(parameter("WebhookThrottlingRateLimit")).as("parameter WebhookThrottlingRateLimit").isNotEmpty();
        assertThat(parameter("WebhookThrottlingBurstLimit")).as("parameter WebhookThrottlingBurstLimit").isNotEmpty();
        double rate = number(parameter("WebhookThrottlingRateLimit").get("Default"));
        double burst = number(parameter("WebhookThrottlingBurstLimit").get("Default"));

        assertThat(rate).isGreaterThanOrEqualTo(GITLAB_COM_HIGHEST_RATE_PER_SECOND);
        assertThat(burst).isGreaterThanOrEqualTo(rate);
        // API Gateway's account-wide throttle for all APIs of a Region is 10,000 requests per second
        // (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html): a route limit above it is void.
        assertThat(number(parameter("WebhookThrottlingRateLimit").get("MaxValue"))).isLessThanOrEqualTo(10_000);
    }

    @Test
    void reservedConcurrencyIsOffByDefaultAndReservedWhenAsked() {
        Map<String, String> required = Map.of("GitLabUrl", "https://gitlab.example.com",
                "GitLabTokenSecret", "glfs/gitlab-api-token", "WebhookTokenSecret", "glfs/webhook-token");

        EvaluatedStack byDefault = new EvaluatedStack(TEMPLATE, required, Map.of());
        assertThat(byDefault.resourceProperty("WebhookFunction", "ReservedConcurrentExecutions"))
                .isSameAs(EvaluatedStack.NO_VALUE);

        Map<String, String> reserved = new HashMap<>(required);
        reserved.put("WebhookReservedConcurrency", "20");
        EvaluatedStack asked = new EvaluatedStack(TEMPLATE, reserved, Map.of());
        assertThat(asked.resourceProperty("WebhookFunction", "ReservedConcurrentExecutions")).isEqualTo("20");
    }

    private static double number(Object value) {
        return Double.parseDouble(String.valueOf(value));
    }

    private static Map<String, Object> parameter(String name) {
        return map(map(TEMPLATE.get("Parameters")).get(name));
    }

    private static Object property(String resource, String property) {
        return map(map(map(TEMPLATE.get("Resources")).get(resource)).get("Properties")).get(property);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
