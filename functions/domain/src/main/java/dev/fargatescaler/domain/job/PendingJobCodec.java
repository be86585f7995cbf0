package dev.fargatescaler.domain.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Writes and reads the queue message. The format is versioned so that a scaler can refuse (and count) a message
 * it does not understand instead of guessing, and so that a newer webhook and an older scaler can coexist
 * during a deployment: readers ignore unknown fields.
 *
 * <pre>{"v":1,"projectId":380,"projectPath":"group/app","jobId":1977,"jobName":"test","stage":"test",
 *  "ref":"main","pipelineId":2366,"sha":"2293ada…","retries":0,"instance":"https://gitlab.example.com",
 *  "jobCreatedAt":"2021-02-23T02:41:37Z","receivedAt":"2026-11-28T10:00:00.123Z",
 *  "dedupKey":"…","attempt":0,"source":"webhook"}</pre>
 */
public final class PendingJobCodec {

    public static final int VERSION = 1;

    private PendingJobCodec() {
    }

    public static String toJson(PendingJob job) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("v", VERSION);
        node.put("projectId", job.projectId());
        putIfPresent(node, "projectPath", job.projectPath());
        node.put("jobId", job.jobId());
        putIfPresent(node, "jobName", job.jobName());
        putIfPresent(node, "stage", job.stage());
        putIfPresent(node, "ref", job.ref());
        if (job.pipelineId() != null) {
            node.put("pipelineId", job.pipelineId());
        }
        putIfPresent(node, "sha", job.sha());
        if (job.retriesCount() != null) {
            node.put("retries", job.retriesCount());
        }
        putIfPresent(node, "instance", job.instanceUrl());
        if (job.jobCreatedAt() != null) {
            node.put("jobCreatedAt", job.jobCreatedAt().toString());
        }
        node.put("receivedAt", job.receivedAt().toString());
        node.put("dedupKey", job.dedupKey());
        node.put("attempt", job.attempt());
        node.put("source", job.source());
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a tree of plain values", e);
        }
    }

    /**
     * @throws PermanentException with reason {@code MalformedMessage} for anything that is not a version-1
     *                            pending-job message
     */
    public static PendingJob fromJson(String body) {
        JsonNode node;
        try {
            node = body == null ? null : Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed("body is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw malformed("body is not a JSON object");
        }
        JsonNode version = node.get("v");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw malformed("unsupported message version " + (version == null ? "(none)" : version.toString()));
        }
        try {
            return new PendingJob(
                    requiredLong(node, "projectId"),
                    text(node, "projectPath"),
                    requiredLong(node, "jobId"),
                    text(node, "jobName"),
                    text(node, "stage"),
                    text(node, "ref"),
                    node.hasNonNull("pipelineId") ? requiredLong(node, "pipelineId") : null,
                    text(node, "sha"),
                    node.path("retries").isInt() ? node.get("retries").intValue() : null,
                    text(node, "instance"),
                    instant(node, "jobCreatedAt"),
                    requiredInstant(node, "receivedAt"),
                    required(text(node, "dedupKey"), "dedupKey"),
                    node.path("attempt").isInt() ? node.get("attempt").intValue() : 0,
                    required(text(node, "source"), "source"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw malformed(e.getMessage());
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static long requiredLong(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw malformed("field " + field + " must be an integer");
        }
        return value.longValue();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static String required(String value, String field) {
        if (value == null) {
            throw malformed("missing field " + field);
        }
        return value;
    }

    private static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw malformed("field " + field + " is not an ISO-8601 instant");
        }
    }

    private static Instant requiredInstant(JsonNode node, String field) {
        Instant value = instant(node, field);
        if (value == null) {
            throw malformed("missing field " + field);
        }
        return value;
    }

    private static PermanentException malformed(String why) {
        return new PermanentException("MalformedMessage", "malformed pending-job message: " + why);
    }
}
