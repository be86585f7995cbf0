package dev.fargatescaler.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.webhook.WebhookAuthenticator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Generates hostile API Gateway events for the webhook: every one must be answered 4xx or 2xx-ignored, never
 * 5xx, and must queue nothing. Deterministic for a seed, so a failure is reproducible from the seed alone.
 *
 * @param token         the real webhook token (the generator builds near-misses from it)
 * @param signingSecret the real signing secret ({@code whsec_…})
 * @param validPending  a real pending Job Hook body
 */
record HostileRequests(String token, String signingSecret, String validPending, Instant now) {

    /** One generated request and what kind of attack it is (for the report and for failures). */
    record Case(String kind, byte[] event) {
    }

    private static final String[] STATUSES = {"created", "running", "success", "failed", "canceled", "manual",
            "skipped", "PENDING", "pending ", ""};

    List<Case> generate(long seed, int count) {
        Random random = new Random(seed);
        List<Function<Random, Case>> generators = List.of(
                this::invalidJson, this::wrongTypes, this::hugeNumbers, this::deepNesting, this::invalidBase64,
                this::invalidUtf8, this::missingHeaders, this::duplicatedHeaders, this::nearMissTokens,
                this::staleOrFutureSignature, this::replayedSignature, this::ignoredStatuses,
                this::otherEventTypes, this::garbageEvent, this::wrongSignatureScheme);
        List<Case> cases = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            cases.add(generators.get(i % generators.size()).apply(random));
        }
        return cases;
    }

    /** A few oversize requests: expensive to build, so not part of the random mix. */
    List<Case> oversize() {
        String pad = "x".repeat(1024 * 1024);
        return List.of(
                event("oversize-plain", headers(token), "{\"object_kind\":\"build\",\"pad\":\"" + pad + "\"}", false),
                event("oversize-base64", headers(token), "{\"object_kind\":\"build\",\"pad\":\"" + pad + "\"}", true),
                event("oversize-unauthenticated", headers("nope"), pad + pad, true));
    }

    private Map<String, String> headers(String presentedToken) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-gitlab-event", "Job Hook");
        if (presentedToken != null) {
            headers.put("x-gitlab-token", presentedToken);
        }
        headers.put("content-type", "application/json");
        return headers;
    }

    private void sign(Map<String, String> headers, byte[] body) {
        String timestamp = Long.toString(now.getEpochSecond());
        headers.put("webhook-id", "msg_auto");
        headers.put("webhook-timestamp", timestamp);
        headers.put("webhook-signature", WebhookAuthenticator.sign(signingSecret, "msg_auto", timestamp, body));
    }

    private Map<String, String> signedHeaders(String id, long timestamp, String body) {
        Map<String, String> headers = headers(token);
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", WebhookAuthenticator.sign(signingSecret, id, Long.toString(timestamp),
                body.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    private Case invalidJson(Random random) {
        String body = validPending.substring(0, random.nextInt(validPending.length() - 1));
        return event("invalid-json", headers(token), body, random.nextBoolean());
    }

    private Case wrongTypes(Random random) {
        ObjectNode node = pending();
        String field = pick(random, "build_id", "project_id", "build_status", "object_kind");
        switch (random.nextInt(5)) {
            case 0 -> node.put(field, "12");
            case 1 -> node.put(field, 1.5);
            case 2 -> node.putArray(field).add(1);
            case 3 -> node.putNull(field);
            default -> node.remove(field);
        }
        if (field.equals("build_status") || field.equals("object_kind")) {
            node.put(field, random.nextBoolean());
        }
        return event("wrong-types", headers(token), node.toString(), false);
    }

    private Case hugeNumbers(Random random) {
        ObjectNode node = pending();
        String digits = "9".repeat(20 + random.nextInt(60));
        String body = node.toString().replace("\"build_id\":1977", "\"build_id\":" + (random.nextBoolean() ? "-" : "")
                + digits);
        return event("huge-numbers", headers(token), body, false);
    }

    private Case deepNesting(Random random) {
        int depth = 100 + random.nextInt(5000);
        String body = "{\"object_kind\":\"build\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        return event("deep-nesting", headers(token), body, random.nextBoolean());
    }

    private Case invalidBase64(Random random) {
        String body = "%%" + Base64.getEncoder().encodeToString(validPending.getBytes(StandardCharsets.UTF_8))
                .substring(random.nextInt(10)) + "*";
        ObjectNode event = apiEvent(headers(token));
        event.put("body", body);
        event.put("isBase64Encoded", true);
        return new Case("invalid-base64", bytes(event));
    }

    private Case invalidUtf8(Random random) {
        byte[] raw = validPending.getBytes(StandardCharsets.UTF_8);
        byte[] broken = new byte[raw.length + 2];
        int at = 1 + random.nextInt(raw.length - 2);
        System.arraycopy(raw, 0, broken, 0, at);
        broken[at] = (byte) 0xC3;
        broken[at + 1] = (byte) 0x28;
        System.arraycopy(raw, at, broken, at + 2, raw.length - at);
        Map<String, String> headers = headers(token);
        sign(headers, broken);
        ObjectNode event = apiEvent(headers);
        event.put("body", Base64.getEncoder().encodeToString(broken));
        event.put("isBase64Encoded", true);
        return new Case("invalid-utf8", bytes(event));
    }

    private Case missingHeaders(Random random) {
        Map<String, String> headers = headers(random.nextBoolean() ? null : "");
        if (random.nextBoolean()) {
            headers.remove("x-gitlab-event");
        }
        return event("missing-headers", headers, validPending, random.nextBoolean());
    }

    private Case duplicatedHeaders(Random random) {
        String joined = random.nextBoolean() ? token + "," + token : token + ", " + "other";
        return event("duplicated-headers", headers(joined), validPending, false);
    }

    private Case nearMissTokens(Random random) {
        String presented = switch (random.nextInt(7)) {
            case 0 -> token.substring(0, 1 + random.nextInt(token.length() - 1));
            case 1 -> token.substring(random.nextInt(token.length() - 1) + 1);
            case 2 -> token + (char) ('a' + random.nextInt(26));
            case 3 -> (char) ('a' + random.nextInt(26)) + token;
            case 4 -> token.toUpperCase();
            case 5 -> " " + token + " ";
            default -> token.substring(0, token.length() - 1) + (char) (token.charAt(token.length() - 1) ^ 1);
        };
        return event("near-miss-token", headers(presented), validPending, false);
    }

    private Case staleOrFutureSignature(Random random) {
        long offset = (301 + random.nextInt(100_000)) * (random.nextBoolean() ? 1L : -1L);
        Map<String, String> headers = signedHeaders("msg_" + random.nextInt(), now.getEpochSecond() + offset,
                validPending);
        return event("stale-or-future-signature", headers, validPending, false);
    }

    private Case replayedSignature(Random random) {
        // A signature captured from one delivery, replayed on another body or id.
        Map<String, String> headers = signedHeaders("msg_original", now.getEpochSecond(), validPending);
        String body = validPending;
        if (random.nextBoolean()) {
            headers.put("webhook-id", "msg_other_" + random.nextInt(1000));
        } else {
            body = validPending.replace("\"build_id\": 1977", "\"build_id\": " + (2000 + random.nextInt(1000)));
            body = body.replace("\"build_id\":1977", "\"build_id\":" + (2000 + random.nextInt(1000)));
        }
        return event("replayed-signature", headers, body, false);
    }

    private Case ignoredStatuses(Random random) {
        ObjectNode node = pending();
        node.put("build_status", STATUSES[random.nextInt(STATUSES.length)]);
        Map<String, String> headers = signedHeaders("msg_s" + random.nextInt(), now.getEpochSecond(),
                node.toString());
        return event("non-pending-status", headers, node.toString(), false);
    }

    private Case otherEventTypes(Random random) {
        Map<String, String> headers = signedHeaders("msg_e" + random.nextInt(), now.getEpochSecond(), validPending);
        headers.put("x-gitlab-event", pick(random, "Push Hook", "Pipeline Hook", "job hook", "Job Hook ", "System Hook"));
        return event("other-event-type", headers, validPending, false);
    }

    private Case garbageEvent(Random random) {
        byte[] garbage = new byte[random.nextInt(200)];
        random.nextBytes(garbage);
        return new Case("garbage-event", garbage);
    }

    private Case wrongSignatureScheme(Random random) {
        Map<String, String> headers = signedHeaders("msg_w", now.getEpochSecond(), validPending);
        String signature = headers.get("webhook-signature");
        headers.put("webhook-signature", switch (random.nextInt(4)) {
            case 0 -> signature.replace("v1,", "v1a,");
            case 1 -> "v1," + signature.substring(3).toLowerCase();
            case 2 -> ("v1,AAAA ").repeat(20 + random.nextInt(200));
            default -> signature.substring(0, signature.length() - 4);
        });
        return event("wrong-signature", headers, validPending, false);
    }

    private ObjectNode pending() {
        try {
            return (ObjectNode) Json.MAPPER.readTree(validPending);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pick(Random random, String... values) {
        return values[random.nextInt(values.length)];
    }

    private static ObjectNode apiEvent(Map<String, String> headers) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "POST /webhook");
        ObjectNode h = event.putObject("headers");
        headers.forEach(h::put);
        event.putObject("requestContext").put("requestId", "hostile");
        return event;
    }

    /**
     * Builds the event. Unless the case is about signatures or missing headers, it carries a VALID signature of
     * its body, so that with signatures required the request still reaches the parser it is meant to attack.
     */
    private Case event(String kind, Map<String, String> headers, String body, boolean base64) {
        if (!headers.containsKey("webhook-signature") && !kind.equals("missing-headers")) {
            headers = new LinkedHashMap<>(headers);
            sign(headers, body.getBytes(StandardCharsets.UTF_8));
        }
        ObjectNode event = apiEvent(headers);
        event.put("body", base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
        event.put("isBase64Encoded", base64);
        return new Case(kind, bytes(event));
    }

    private static byte[] bytes(ObjectNode event) {
        try {
            return Json.MAPPER.writeValueAsBytes(event);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
