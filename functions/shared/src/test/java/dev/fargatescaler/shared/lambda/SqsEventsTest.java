package dev.fargatescaler.shared.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.launch.QueueMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqsEventsTest {

    @Test
    void readsRecordsWithTheirReceiveCount() throws Exception {
        String event = """
                {"Records": [
                  {"messageId": "a", "receiptHandle": "ra", "body": "{}",
                   "attributes": {"ApproximateReceiveCount": "3"}, "eventSource": "aws:sqs"},
                  {"messageId": "b", "receiptHandle": "rb", "body": "x", "attributes": {}},
                  {"receiptHandle": "no id"},
                  {"messageId": "c", "receiptHandle": "rc", "attributes": {"ApproximateReceiveCount": "zz"}}
                ]}
                """;

        List<QueueMessage> messages = SqsEvents.parse(Json.MAPPER.readTree(event));

        assertThat(messages).containsExactly(new QueueMessage("a", "ra", "{}", 3),
                new QueueMessage("b", "rb", "x", 1), new QueueMessage("c", "rc", null, 1));
    }

    @Test
    void writesThePartialBatchResponse() {
        assertThat(SqsEvents.batchResponse(List.of("a", "b")).toString())
                .isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"a\"},{\"itemIdentifier\":\"b\"}]}");
        assertThat(SqsEvents.batchResponse(List.of()).toString()).isEqualTo("{\"batchItemFailures\":[]}");
    }
}
