package dev.fargatescaler.testkit.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * One in-memory Amazon SQS standard queue that speaks the SQS JSON protocol ({@code X-Amz-Target: AmazonSQS.*},
 * what SDK v2 uses), plugged into the real AWS SDK as its {@link SdkHttpClient}, plus a direct API for an emulated
 * Lambda event source. For benchmarks where moto_server's queue, whose ReceiveMessage slows down with its depth
 * (REFERENCE.md), would be measured instead of the functions. Implements SendMessage(Batch), ReceiveMessage,
 * DeleteMessage(Batch) and ChangeMessageVisibility, with SQS's semantics for them:
 * <ul>
 *   <li>a received message is invisible for the queue's visibility timeout, or what ChangeMessageVisibility sets,
 *       then comes back (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html);</li>
 *   <li>each receive hands out a new receipt handle and increments {@code ApproximateReceiveCount}; only the most
 *       recent handle deletes the message (an older one "succeeds, but the message will not be deleted",
 *       https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html) and
 *       ChangeMessageVisibility with a handle that is not the message's current one fails with
 *       {@code ReceiptHandleIsInvalid} (HTTP 400,
 *       https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html);</li>
 *   <li>answers carry the MD5 of each body, which the SDK checks.</li>
 * </ul>
 * Not simulated: redrive to a dead-letter queue, delays, attributes, FIFO, the occasional duplicate delivery of
 * a standard queue.
 */
public final class FakeSqs implements SdkHttpClient {

    /** A message as the event source receives it. */
    public record Received(String messageId, String receiptHandle, String body, int receiveCount) {
    }

    private static final class Message {
        final String id;
        final String body;
        Instant visibleAt;
        String receiptHandle;
        int receiveCount;

        Message(String id, String body, Instant visibleAt) {
            this.id = id;
            this.body = body;
            this.visibleAt = visibleAt;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "AmazonSQS.";

    private final Clock clock;
    private final Duration visibilityTimeout;
    private final Map<String, Message> messages = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    public FakeSqs(Clock clock, Duration visibilityTimeout) {
        this.clock = clock;
        this.visibilityTimeout = visibilityTimeout;
    }

    // ---- the event source's side ----

    public synchronized void send(String body) {
        String id = "m-" + ids.incrementAndGet();
        messages.put(id, new Message(id, body, clock.instant()));
        notifyAll();
    }

    /**
     * A long poll, as ReceiveMessage with {@code WaitTimeSeconds} (and Lambda's event source) does: returns as
     * soon as a message is visible, or empty after {@code wait}.
     */
    public synchronized List<Received> receive(int max, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<Received> received = receive(max);
        while (received.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            // Woken by send(); messages coming back after their visibility timeout are seen within 50 ms.
            wait(Math.max(1, Math.min(50, left / 1_000_000)));
            received = receive(max);
        }
        return received;
    }

    /** Up to {@code max} visible messages, made invisible for the visibility timeout. */
    public synchronized List<Received> receive(int max) {
        Instant now = clock.instant();
        List<Received> received = new ArrayList<>();
        for (Message message : messages.values()) {
            if (received.size() >= max) {
                break;
            }
            if (!message.visibleAt.isAfter(now)) {
                message.visibleAt = now.plus(visibilityTimeout);
                message.receiveCount++;
                message.receiptHandle = message.id + "#" + message.receiveCount + "#" + UUID.randomUUID();
                received.add(new Received(message.id, message.receiptHandle, message.body, message.receiveCount));
            }
        }
        return received;
    }

    /** DeleteMessage: only the most recent receipt handle deletes. */
    public synchronized void delete(String receiptHandle) {
        messages.values().removeIf(m -> receiptHandle.equals(m.receiptHandle));
    }

    public synchronized int depth() {
        return messages.size();
    }

    // ---- the functions' side, through the SDK ----

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return AwsJsonWire.answering(request, call -> handle(call.operation(PREFIX), call.body()));
    }

    private synchronized HttpExecuteResponse handle(String operation, byte[] body) {
        JsonNode request;
        try {
            request = JSON.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
        } catch (IOException e) {
            return error("InvalidParameterValue", "bad body");
        }
        ObjectNode response = JSON.createObjectNode();
        switch (operation) {
            case "SendMessage" -> {
                String text = request.path("MessageBody").asText();
                send(text);
                response.put("MessageId", "m-" + ids.get()).put("MD5OfMessageBody", md5(text));
            }
            case "SendMessageBatch" -> {
                ArrayNode ok = response.putArray("Successful");
                for (JsonNode entry : request.path("Entries")) {
                    String text = entry.path("MessageBody").asText();
                    send(text);
                    ok.addObject().put("Id", entry.path("Id").asText()).put("MessageId", "m-" + ids.get())
                            .put("MD5OfMessageBody", md5(text));
                }
                response.putArray("Failed");
            }
            case "ReceiveMessage" -> {
                ArrayNode list = response.putArray("Messages");
                for (Received r : receive(Math.max(1, Math.min(10, request.path("MaxNumberOfMessages").asInt(1))))) {
                    ObjectNode m = list.addObject().put("MessageId", r.messageId()).put("ReceiptHandle", r.receiptHandle())
                            .put("MD5OfBody", md5(r.body())).put("Body", r.body());
                    m.putObject("Attributes").put("ApproximateReceiveCount", Integer.toString(r.receiveCount()));
                }
            }
            case "DeleteMessage" -> delete(request.path("ReceiptHandle").asText());
            case "DeleteMessageBatch" -> {
                ArrayNode ok = response.putArray("Successful");
                for (JsonNode entry : request.path("Entries")) {
                    delete(entry.path("ReceiptHandle").asText());
                    ok.addObject().put("Id", entry.path("Id").asText());
                }
                response.putArray("Failed");
            }
            case "ChangeMessageVisibility" -> {
                String handle = request.path("ReceiptHandle").asText();
                Message message = messages.values().stream().filter(m -> handle.equals(m.receiptHandle)).findFirst()
                        .orElse(null);
                if (message == null) {
                    return error("ReceiptHandleIsInvalid", "The input receipt handle \"" + handle + "\" is not valid.");
                }
                message.visibleAt = clock.instant().plusSeconds(request.path("VisibilityTimeout").asInt());
            }
            default -> {
                return error("InvalidAction", "FakeSqs does not implement " + operation);
            }
        }
        return response(200, response);
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpExecuteResponse error(String type, String message) {
        return AwsJsonWire.error(400, type, message, AwsJsonWire.JSON_1_0);
    }

    private static HttpExecuteResponse response(int status, JsonNode body) {
        return AwsJsonWire.answer(status, body, AwsJsonWire.JSON_1_0);
    }

    @Override
    public void close() {
    }

    @Override
    public String clientName() {
        return "FakeSqs";
    }
}
