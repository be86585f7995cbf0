package dev.fargatescaler.domain.webhook;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One HTTP delivery, independent of how it arrived (API Gateway in AWS, the local server in local mode).
 *
 * @param headers    header names in lower case (as API Gateway HTTP APIs deliver them); repeated headers
 *                   arrive comma-joined
 * @param body       the raw body bytes, already base64-decoded if the transport encoded them
 * @param receivedAt when the request arrived
 */
public record WebhookRequest(Map<String, String> headers, byte[] body, Instant receivedAt) {

    public WebhookRequest {
        headers = headers.entrySet().stream()
                .filter(e -> e.getKey() != null && e.getValue() != null)
                .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue,
                        (a, b) -> a + "," + b));
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
