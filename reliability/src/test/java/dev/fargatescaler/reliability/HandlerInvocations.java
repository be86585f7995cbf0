package dev.fargatescaler.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.scaler.ScalerHandler;
import dev.fargatescaler.testkit.TestSecrets;
import dev.fargatescaler.testkit.fake.FakeSqs;
import dev.fargatescaler.webhook.WebhookHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The invocations the suite and the working-day benchmark make, in the events Lambda hands the functions: an API
 * Gateway HTTP API event carrying a Job Hook for the webhook, an SQS event for the scaler (whose batch answer
 * names the messages to keep).
 */
final class HandlerInvocations {

    private HandlerInvocations() {
    }

    /**
     * A Job Hook for {@code jobId} with the local webhook token.
     *
     * @param idempotencyKey the delivery's {@code Idempotency-Key}, or null for none
     * @return the HTTP status the webhook answered
     */
    static int deliver(WebhookHandler webhook, long jobId, String status, long projectId, String idempotencyKey,
                       String createdAt) throws IOException {
        ObjectNode payload = Json.MAPPER.createObjectNode()
                .put("object_kind", "build")
                .put("build_id", jobId)
                .put("build_status", status)
                .put("project_id", projectId)
                .put("ref", "main")
                .put("build_name", "build")
                .put("build_created_at", createdAt);
        payload.putNull("runner");
        ObjectNode event = Json.MAPPER.createObjectNode();
        ObjectNode headers = event.putObject("headers");
        headers.put("x-gitlab-event", "Job Hook");
        headers.put("x-gitlab-token", TestSecrets.WEBHOOK_TOKEN);
        if (idempotencyKey != null) {
            headers.put("idempotency-key", idempotencyKey);
        }
        event.put("body", payload.toString());
        event.put("isBase64Encoded", false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        webhook.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), out, null);
        return Json.MAPPER.readTree(out.toByteArray()).get("statusCode").intValue();
    }

    /** One SQS batch to the scaler; returns the ids of the messages it wants back (batchItemFailures). */
    static Set<String> invoke(ScalerHandler scaler, List<FakeSqs.Received> batch) throws IOException {
        ObjectNode event = Json.MAPPER.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (FakeSqs.Received m : batch) {
            ObjectNode record = records.addObject();
            record.put("messageId", m.messageId());
            record.put("receiptHandle", m.receiptHandle());
            record.put("body", m.body());
            record.putObject("attributes").put("ApproximateReceiveCount", Integer.toString(m.receiveCount()));
            record.put("eventSource", "aws:sqs");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scaler.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), out, null);
        Set<String> failed = new HashSet<>();
        for (JsonNode failure : Json.MAPPER.readTree(out.toByteArray()).path("batchItemFailures")) {
            failed.add(failure.get("itemIdentifier").textValue());
        }
        return failed;
    }
}
