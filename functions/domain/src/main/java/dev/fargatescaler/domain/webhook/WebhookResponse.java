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

    /**
     * Why a delivery was not queued again: which key matched, for how long such keys are remembered, and how to
     * send a fresh delivery. GitLab repeats an {@code Idempotency-Key} only when a delivery is resent by hand
     * (REFERENCE: GitLab 17.4+), so a new key is a new delivery. Never echoes the caller's key.
     */
    static String duplicateMessage(boolean byIdempotencyKey, java.time.Duration remembered) {
        String window = remembered.toSeconds() % 60 == 0 ? remembered.toMinutes() + " min" : remembered.toSeconds() + " s";
        return byIdempotencyKey
                ? "delivery already queued: the same Idempotency-Key was queued by this receiver within the last "
                        + window + "; send a new Idempotency-Key for a fresh delivery"
                : "delivery already queued: the same project, job and status (no Idempotency-Key) was queued by this "
                        + "receiver within the last " + window + "; send an Idempotency-Key for a fresh delivery";
    }

    static WebhookResponse rejected(int statusCode, String reason, String message) {
        return new WebhookResponse(statusCode, "rejected", reason, message);
    }

    static WebhookResponse unavailable() {
        return new WebhookResponse(503, "unavailable", "QueueUnavailable", "temporarily unavailable, retry later");
    }
}
