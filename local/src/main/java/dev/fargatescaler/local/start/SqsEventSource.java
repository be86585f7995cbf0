package dev.fargatescaler.local.start;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.local.runtime.FunctionPool;
import dev.fargatescaler.local.runtime.FunctionWorker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Lambda's SQS event source mapping on this machine: long-polls the queue, hands the function a batch of up to
 * {@code BatchSize} messages in Lambda's SQS event format, and deletes what succeeded. A function error leaves
 * the whole batch to reappear after the visibility timeout; with {@code ReportBatchItemFailures} only the
 * messages named in {@code batchItemFailures} stay (an unknown or empty identifier fails the whole batch, as in
 * Lambda). Local mode runs several of these per queue, as Lambda's poller runs several batches at once (up to
 * {@code ScalingConfig.MaximumConcurrency}). https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
final class SqsEventSource implements Runnable {

    /** Lambda long-polls for 20 s; locally 2 s, so that Ctrl-C never waits long. */
    static final int WAIT_SECONDS = 2;

    private final EventSources.QueueSource source;
    private final FunctionPool worker;
    private final SqsClient sqs;
    private final String region;
    private final Monitor monitor;
    private volatile boolean running = true;

    SqsEventSource(EventSources.QueueSource source, FunctionPool worker, SqsClient sqs, String region,
                   Monitor monitor) {
        this.source = source;
        this.worker = worker;
        this.sqs = sqs;
        this.region = region;
        this.monitor = monitor;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            try {
                pollOnce();
            } catch (RuntimeException | IOException e) {
                if (running) {
                    monitor.functionError(source.function() + " event source", e.toString());
                    sleep(1000);
                }
            }
        }
    }

    /** One receive and, if messages came, one invocation. */
    void pollOnce() throws IOException {
        List<Message> batch = new ArrayList<>();
        long windowEnd = System.currentTimeMillis() + source.batchingWindow().toMillis();
        do {
            int want = Math.min(10, source.batchSize() - batch.size());
            List<Message> received = sqs.receiveMessage(r -> r.queueUrl(source.queueUrl()).maxNumberOfMessages(want)
                    .waitTimeSeconds(batch.isEmpty() ? WAIT_SECONDS : 0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            batch.addAll(received);
            if (received.isEmpty() && (batch.isEmpty() || System.currentTimeMillis() >= windowEnd)) {
                break;
            }
        } while (running && batch.size() < source.batchSize() && System.currentTimeMillis() < windowEnd);
        if (batch.isEmpty() || !running) {
            return;
        }
        FunctionWorker.Result result = worker.invoke(Json.MAPPER.writeValueAsBytes(event(batch)));
        if (!result.ok()) {
            monitor.functionError(source.function(), result.payloadText());
            monitor.scalerBatch(batch.size(), batch.size(), true, result.duration().toMillis());
            return;
        }
        Set<String> failed = source.reportBatchItemFailures() ? failedIds(result, batch) : Set.of();
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : batch) {
            if (!failed.contains(m.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(r -> r.queueUrl(source.queueUrl()).entries(done));
        }
        monitor.scalerBatch(batch.size(), batch.size() - done.size(), false, result.duration().toMillis());
    }

    /** The ids to keep; every id of the batch when the answer names one that is not in it. */
    static Set<String> failedIds(FunctionWorker.Result result, List<Message> batch) throws IOException {
        Set<String> ids = new HashSet<>();
        batch.forEach(m -> ids.add(m.messageId()));
        JsonNode response = Json.MAPPER.readTree(result.payload());
        Set<String> failed = new HashSet<>();
        if (response == null || response.isNull() || response.isMissingNode()) {
            return failed;
        }
        for (JsonNode failure : response.path("batchItemFailures")) {
            String id = failure.path("itemIdentifier").asText(null);
            if (id == null || id.isEmpty() || !ids.contains(id)) {
                return ids;
            }
            failed.add(id);
        }
        return failed;
    }

    private ObjectNode event(List<Message> batch) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : batch) {
            ObjectNode record = records.addObject();
            record.put("messageId", m.messageId());
            record.put("receiptHandle", m.receiptHandle());
            record.put("body", m.body());
            ObjectNode attributes = record.putObject("attributes");
            for (Map.Entry<String, String> a : m.attributesAsStrings().entrySet()) {
                attributes.put(a.getKey(), a.getValue());
            }
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            m.messageAttributes().forEach((name, value) -> messageAttributes.putObject(name)
                    .put("stringValue", value.stringValue()).put("dataType", value.dataType()));
            record.put("md5OfBody", m.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", source.queueArn());
            record.put("awsRegion", region);
        }
        return event;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
