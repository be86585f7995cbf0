package dev.fargatescaler.domain.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fargatescaler.domain.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to answer GitLab. Bodies are small JSON objects with no internals: GitLab shows them to project
 * maintainers in the hook's "Recent events" page.
 *
 * @param decision a stable word for logs and tests: queued, ignored, rejected, unavailable
 * @param reason   a stable, metric-friendly reason code
 */
public record WebhookResponse(int statusCode, String decision, String reason, String message) {

    public String body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", decision);
        if (message != null) {
            body.put("message", message);
        }
        try {
            return Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static WebhookResponse queued(long jobId) {
        return new WebhookResponse(202, "queued", "Queued", "job " + jobId + " queued");
    }

    static WebhookResponse ignored(String reason, String message) {
        return new WebhookResponse(200, "ignored", reason, message);
    }

    static WebhookResponse rejected(int statusCode, String reason, String message) {
        return new WebhookResponse(statusCode, "rejected", reason, message);
    }

    static WebhookResponse unavailable() {
        return new WebhookResponse(503, "unavailable", "QueueUnavailable", "temporarily unavailable, retry later");
    }
}
