package dev.fargatescaler.domain.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads a Job Hook tolerantly: unknown fields are ignored, optional fields may be missing or null, both
 * timestamp forms are accepted. Only the fields a decision depends on are strict, and a wrong one gives a short
 * message naming the field, never a stack trace.
 */
public final class JobHookParser {

    private JobHookParser() {
    }

    /** Object kind of Job Hooks ("build" for historical reasons). */
    public static final String JOB_OBJECT_KIND = "build";

    /**
     * Reads just what is needed to decide whether the hook matters: {@code object_kind} and {@code build_status}.
     *
     * @throws MalformedPayloadException when either is missing or not a string
     */
    public static String objectKind(JsonNode root) {
        requireObject(root);
        return requiredText(root, "object_kind");
    }

    public static String status(JsonNode root) {
        requireObject(root);
        return requiredText(root, "build_status");
    }

    /**
     * Parses a full Job Hook.
     *
     * @throws MalformedPayloadException when a required field is missing or wrongly typed
     */
    public static JobHook parse(JsonNode root) {
        requireObject(root);
        String kind = requiredText(root, "object_kind");
        if (!JOB_OBJECT_KIND.equals(kind)) {
            throw new MalformedPayloadException("object_kind must be \"build\" for a Job Hook");
        }
        long jobId = requiredId(root, "build_id");
        String status = requiredText(root, "build_status");
        long projectId = requiredId(root, "project_id");

        JsonNode project = root.path("project");
        String projectPath = optionalText(project, "path_with_namespace");
        if (projectPath == null) {
            // Older payloads have no "project" object; "project_name" is "Group / Name", the best we have.
            projectPath = optionalText(root, "project_name");
        }
        Instant createdAt = Optional.ofNullable(optionalText(root, "build_created_at_iso"))
                .flatMap(GitLabTimestamps::parse)
                .or(() -> Optional.ofNullable(optionalText(root, "build_created_at")).flatMap(GitLabTimestamps::parse))
                .orElse(null);
        return new JobHook(
                jobId,
                status,
                projectId,
                projectPath,
                optionalText(root, "build_name"),
                optionalText(root, "build_stage"),
                optionalText(root, "ref"),
                optionalId(root, "pipeline_id"),
                optionalText(root, "sha"),
                optionalInt(root, "retries_count"),
                createdAt);
    }

    private static void requireObject(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new MalformedPayloadException("body must be a JSON object");
        }
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new MalformedPayloadException("missing required field " + field);
        }
        if (!node.isTextual()) {
            throw new MalformedPayloadException("field " + field + " must be a string");
        }
        return node.textValue();
    }

    private static long requiredId(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new MalformedPayloadException("missing required field " + field);
        }
        Long id = asPositiveLong(node);
        if (id == null) {
            throw new MalformedPayloadException("field " + field + " must be a positive integer");
        }
        return id;
    }

    private static Long asPositiveLong(JsonNode node) {
        if (!node.isIntegralNumber()) {
            return null;
        }
        BigInteger value = node.bigIntegerValue();
        if (value.signum() <= 0 || value.bitLength() > 63) {
            return null;
        }
        return value.longValue();
    }

    private static Long optionalId(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null ? null : asPositiveLong(node);
    }

    private static Integer optionalInt(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            return null;
        }
        return node.intValue();
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }
}
