package dev.fargatescaler.local.start;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Builds the EventBridge "ECS Task State Change" event that ECS would publish for a task, from the task as
 * DescribeTasks reports it (the emulator publishes none). Same envelope and the same detail fields, in ECS's
 * JSON casing and time format.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 */
final class EcsTaskEvents {

    private EcsTaskEvents() {
    }

    static ObjectNode taskStateChange(Task task, String region, String account, SimulatedExitCode exitCodes) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "ECS Task State Change");
        event.put("source", "aws.ecs");
        event.put("account", account);
        event.put("time", Instant.now().toString());
        event.put("region", region);
        event.putArray("resources").add(task.taskArn());
        ObjectNode d = event.putObject("detail");
        d.putArray("attachments");
        put(d, "availabilityZone", task.availabilityZone());
        put(d, "clusterArn", task.clusterArn());
        ArrayNode containers = d.putArray("containers");
        for (Container c : task.containers()) {
            ObjectNode n = containers.addObject();
            put(n, "containerArn", c.containerArn());
            put(n, "lastStatus", c.lastStatus());
            put(n, "name", c.name());
            put(n, "image", c.image());
            put(n, "taskArn", task.taskArn());
            Integer exitCode = exitCodes.exitCode(task, c);
            if (exitCode != null) {
                n.put("exitCode", exitCode);
            }
            put(n, "reason", c.reason());
            put(n, "cpu", c.cpu());
            put(n, "memory", c.memory());
        }
        put(d, "cpu", task.cpu());
        put(d, "memory", task.memory());
        time(d, "createdAt", task.createdAt());
        put(d, "desiredStatus", task.desiredStatus());
        put(d, "group", task.group());
        put(d, "launchType", task.launchTypeAsString());
        put(d, "lastStatus", task.lastStatus());
        ObjectNode overrides = d.putObject("overrides");
        ArrayNode containerOverrides = overrides.putArray("containerOverrides");
        if (task.overrides() != null) {
            for (ContainerOverride o : task.overrides().containerOverrides()) {
                ObjectNode n = containerOverrides.addObject();
                put(n, "name", o.name());
                if (o.hasCommand()) {
                    ArrayNode command = n.putArray("command");
                    o.command().forEach(command::add);
                }
                if (o.hasEnvironment()) {
                    ArrayNode env = n.putArray("environment");
                    for (KeyValuePair kv : o.environment()) {
                        env.addObject().put("name", kv.name()).put("value", kv.value());
                    }
                }
            }
        }
        put(d, "platformVersion", task.platformVersion());
        time(d, "pullStartedAt", task.pullStartedAt());
        time(d, "pullStoppedAt", task.pullStoppedAt());
        time(d, "startedAt", task.startedAt());
        put(d, "startedBy", task.startedBy());
        time(d, "stoppingAt", task.stoppingAt());
        time(d, "executionStoppedAt", task.executionStoppedAt());
        time(d, "stoppedAt", task.stoppedAt());
        put(d, "stoppedReason", task.stoppedReason());
        put(d, "stopCode", task.stopCodeAsString());
        put(d, "taskArn", task.taskArn());
        put(d, "taskDefinitionArn", task.taskDefinitionArn());
        time(d, "updatedAt", Instant.now());
        d.put("version", task.version() == null ? 1 : task.version());
        return event;
    }

    private static void put(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void time(ObjectNode node, String field, Instant value) {
        if (value != null) {
            node.put(field, value.toString());
        }
    }

    /**
     * EventBridge pattern matching, for the patterns a rule on ECS events uses: every key of the pattern must
     * match; a list matches when the value equals one of its strings or satisfies one of its
     * {@code {"prefix": ...}} / {@code {"wildcard": ...}} / {@code {"anything-but": ...}} / {@code {"exists": ...}}
     * entries.
     * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
     */
    static boolean matches(Object pattern, com.fasterxml.jackson.databind.JsonNode event) {
        if (!(pattern instanceof Map<?, ?> map)) {
            return true;
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            com.fasterxml.jackson.databind.JsonNode value = event.get(String.valueOf(entry.getKey()));
            Object expected = entry.getValue();
            if (expected instanceof Map<?, ?>) {
                if (value == null || !matches(expected, value)) {
                    return false;
                }
            } else if (expected instanceof List<?> options) {
                if (!matchesAny(options, value)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matchesAny(List<?> options, com.fasterxml.jackson.databind.JsonNode value) {
        if (value != null && value.isArray()) {
            for (Iterator<com.fasterxml.jackson.databind.JsonNode> it = value.elements(); it.hasNext(); ) {
                if (matchesAny(options, it.next())) {
                    return true;
                }
            }
            return false;
        }
        String text = value == null || value.isNull() ? null : value.asText();
        for (Object option : options) {
            if (option instanceof Map<?, ?> rule) {
                // "*" matches any run of characters (EventBridge wildcard filters):
                // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
                if (rule.containsKey("wildcard") && text != null && text.matches(java.util.Arrays.stream(
                        String.valueOf(rule.get("wildcard")).split("\\*", -1)).map(java.util.regex.Pattern::quote)
                        .collect(java.util.stream.Collectors.joining(".*")))) {
                    return true;
                }
                if (rule.containsKey("prefix") && text != null && text.startsWith(String.valueOf(rule.get("prefix")))) {
                    return true;
                }
                if (rule.containsKey("exists") && Boolean.parseBoolean(String.valueOf(rule.get("exists"))) == (text != null)) {
                    return true;
                }
                if (rule.containsKey("anything-but")) {
                    Object but = rule.get("anything-but");
                    boolean excluded = but instanceof List<?> l ? l.stream().map(String::valueOf).anyMatch(s -> s.equals(text))
                            : String.valueOf(but).equals(text);
                    if (text != null && !excluded) {
                        return true;
                    }
                }
            } else if (text != null && String.valueOf(option).equals(text)) {
                return true;
            }
        }
        return false;
    }
}
