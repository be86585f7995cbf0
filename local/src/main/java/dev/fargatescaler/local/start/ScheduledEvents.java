package dev.fargatescaler.local.start;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import java.time.Instant;
import java.util.UUID;

/**
 * The event EventBridge Scheduler / a schedule rule sends a function: "Scheduled Event" from {@code aws.events},
 * naming the rule in {@code resources}.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
 */
final class ScheduledEvents {

    private ScheduledEvents() {
    }

    static ObjectNode scheduled(String region, String account, String ruleName, Instant now) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", account);
        event.put("time", now.toString());
        event.put("region", region);
        event.putArray("resources").add("arn:aws:events:" + region + ":" + account + ":rule/" + ruleName);
        event.putObject("detail");
        return event;
    }
}
