package dev.fargatescaler.shared.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.testkit.MotoClients;
import dev.fargatescaler.testkit.MotoServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

class SqsMessageVisibilityMotoTest {

    private static MotoServer moto;
    private static SqsClient sqs;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        sqs = MotoClients.build(SqsClient.builder(), moto.endpoint());
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    private static Message receive(String queueUrl) {
        var messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1).visibilityTimeout(30))
                .messages();
        return messages.isEmpty() ? null : messages.get(0);
    }

    @Test
    void delaysTheMessageAndThenLetsItComeBack() {
        String queueUrl = sqs.createQueue(r -> r.queueName("visibility-test")).queueUrl();
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("job"));
        SqsMessageVisibility visibility = new SqsMessageVisibility(sqs, queueUrl);

        Message first = receive(queueUrl);
        visibility.delay(first.receiptHandle(), Duration.ofMinutes(10));
        assertThat(receive(queueUrl)).isNull();

        // Back to 0: visible again at once, proving that the call did change this message's visibility.
        visibility.delay(first.receiptHandle(), Duration.ZERO);
        assertThat(receive(queueUrl)).isNotNull().extracting(Message::body).isEqualTo("job");
    }

    @Test
    void anUnreachableQueueIsRetryable() {
        SqsClient nowhere = MotoClients.build(SqsClient.builder()
                .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.core.retry.RetryMode.STANDARD)
                        .apiCallTimeout(Duration.ofSeconds(3))), "http://127.0.0.1:1");

        assertThatThrownBy(() -> new SqsMessageVisibility(nowhere, "http://127.0.0.1:1/123/q")
                .delay("receipt", Duration.ofSeconds(30))).isInstanceOf(RetryableException.class);
    }
}
