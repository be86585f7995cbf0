package dev.fargatescaler.domain.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.errors.PermanentException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an EventBridge "ECS Task State Change" event tolerantly: unknown fields are ignored, missing or
 * unparsable timestamps become null, and numbers that ECS sends as strings ({@code cpu}, {@code memory}) stay
 * strings. Only an event that is not a task state change at all, or has no task ARN, is refused.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 */
public final class TaskStateChangeParser {

    public static final String SOURCE = "aws.ecs";
    public static final String DETAIL_TYPE = "ECS Task State Change";
    /** The task attribute that names a Fargate task's CPU architecture. */
    public static final String ARCHITECTURE_ATTRIBUTE = "ecs.cpu-architecture";

    private TaskStateChangeParser() {
    }

    /**
     * @throws PermanentException {@code NotTaskStateChange} for any other event, {@code MalformedEvent} when the
     *                            task ARN is missing
     */
    public static TaskStateChange parse(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new PermanentException("MalformedEvent", "event is not a JSON object");
        }
        String source = text(event, "source");
        String detailType = text(event, "detail-type");
        if (!SOURCE.equals(source) || !DETAIL_TYPE.equals(detailType)) {
            throw new PermanentException("NotTaskStateChange",
                    "not an ECS Task State Change event (source=" + source + ", detail-type=" + detailType + ")");
        }
        JsonNode detail = event.path("detail");
        String taskArn = text(detail, "taskArn");
        if (taskArn == null || taskArn.isBlank()) {
            throw new PermanentException("MalformedEvent", "ECS Task State Change event without detail.taskArn");
        }
        Map<String, String> environment = new HashMap<>();
        Set<String> overridden = new HashSet<>();
        for (JsonNode override : detail.path("overrides").path("containerOverrides")) {
            String name = text(override, "name");
            JsonNode env = override.path("environment");
            if (name != null && env.isArray() && !env.isEmpty()) {
                overridden.add(name);
            }
            for (JsonNode variable : env) {
                String key = text(variable, "name");
                String value = text(variable, "value");
                if (key != null && value != null) {
                    environment.putIfAbsent(key, value);
                }
            }
        }
        List<TaskStateChange.Container> containers = new ArrayList<>();
        for (JsonNode container : detail.path("containers")) {
            String name = text(container, "name");
            JsonNode exit = container.get("exitCode");
            containers.add(new TaskStateChange.Container(name,
                    exit != null && exit.canConvertToInt() && exit.isIntegralNumber() ? exit.intValue() : null,
                    text(container, "reason"), text(container, "lastStatus"),
                    name != null && overridden.contains(name)));
        }
        String architecture = null;
        for (JsonNode attribute : detail.path("attributes")) {
            if (ARCHITECTURE_ATTRIBUTE.equals(text(attribute, "name"))) {
                architecture = text(attribute, "value");
            }
        }
        return new TaskStateChange(
                text(event, "id"),
                instant(event, "time"),
                taskArn,
                text(detail, "clusterArn"),
                version(detail.get("version")),
                text(detail, "lastStatus"),
                text(detail, "desiredStatus"),
                text(detail, "stopCode"),
                text(detail, "stoppedReason"),
                text(detail, "startedBy"),
                text(detail, "group"),
                text(detail, "cpu"),
                text(detail, "memory"),
                text(detail, "launchType"),
                text(detail, "capacityProviderName"),
                architecture,
                text(detail, "platformVersion"),
                text(detail, "availabilityZone"),
                text(detail, "taskDefinitionArn"),
                instant(detail, "createdAt"),
                instant(detail, "pullStartedAt"),
                instant(detail, "pullStoppedAt"),
                instant(detail, "startedAt"),
                instant(detail, "stoppingAt"),
                instant(detail, "executionStoppedAt"),
                instant(detail, "stoppedAt"),
                containers,
                environment,
                text(detail.path("overrides"), "cpu"),
                text(detail.path("overrides"), "memory"));
    }

    /** Text of a field; numbers are returned as their text ({@code "cpu": 256} and {@code "cpu": "256"}). */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        return value.asText();
    }

    private static long version(JsonNode value) {
        if (value == null) {
            return -1;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        try {
            return value.isTextual() ? Long.parseLong(value.textValue().strip()) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null || value.isBlank() || value.length() > 64) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException e) {
            // A timestamp is never worth dropping a report for: it only leaves one duration unknown.
            return null;
        }
    }
}
