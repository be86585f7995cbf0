package dev.fargatescaler.shared.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.launch.QueueMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Lambda's SQS event and writes its partial-batch response with the process's one Jackson mapper (no
 * runtime serializer: see {@link HttpApiEvents}).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 */
public final class SqsEvents {

    private SqsEvents() {
    }

    /** The records of an SQS event, in order. Records without a messageId cannot be reported and are skipped. */
    public static List<QueueMessage> parse(JsonNode event) {
        List<QueueMessage> messages = new ArrayList<>();
        for (JsonNode record : event.path("Records")) {
            String id = record.path("messageId").asText(null);
            if (id == null) {
                continue;
            }
            int receiveCount = 1;
            try {
                receiveCount = Math.max(1, Integer.parseInt(
                        record.path("attributes").path("ApproximateReceiveCount").asText("1")));
            } catch (NumberFormatException e) {
                // keep 1: the backoff simply starts from its base
            }
            messages.add(new QueueMessage(id, record.path("receiptHandle").asText(null),
                    record.path("body").isTextual() ? record.get("body").textValue() : null, receiveCount));
        }
        return messages;
    }

    /** {@code {"batchItemFailures":[{"itemIdentifier":"…"}]}}: Lambda deletes every other message. */
    public static ObjectNode batchResponse(List<String> failedMessageIds) {
        ObjectNode response = Json.MAPPER.createObjectNode();
        ArrayNode failures = response.putArray("batchItemFailures");
        for (String id : failedMessageIds) {
            failures.addObject().put("itemIdentifier", id);
        }
        return response;
    }
}
