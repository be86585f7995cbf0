package dev.fargatescaler.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.testkit.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;

class FakeSqsTest {

    private static final String URL = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs";

    private static SqsClient client(FakeSqs sqs) {
        return SqsClient.builder().httpClient(sqs).region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://fake-sqs.invalid"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @Test
    void aReceivedMessageComesBackAfterItsVisibilityTimeoutWithANewHandleAndCount() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        FakeSqs fake = new FakeSqs(clock, Duration.ofSeconds(360));
        SqsClient sqs = client(fake);
        // The SDK checks the MD5s of what it sends and receives: these calls succeed only if they match.
        sqs.sendMessage(r -> r.queueUrl(URL).messageBody("{\"job\":1}"));

        var first = sqs.receiveMessage(r -> r.queueUrl(URL).maxNumberOfMessages(10)).messages();
        var hidden = sqs.receiveMessage(r -> r.queueUrl(URL)).messages();
        clock.advance(Duration.ofSeconds(361));
        var again = sqs.receiveMessage(r -> r.queueUrl(URL)).messages();

        assertThat(first).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("{\"job\":1}");
            assertThat(m.attributesAsStrings()).containsEntry("ApproximateReceiveCount", "1");
        });
        assertThat(hidden).isEmpty();
        assertThat(again).singleElement().satisfies(m -> {
            assertThat(m.receiptHandle()).isNotEqualTo(first.get(0).receiptHandle());
            assertThat(m.attributesAsStrings()).containsEntry("ApproximateReceiveCount", "2");
        });

        // Only the most recent handle deletes; an older one succeeds without deleting.
        sqs.deleteMessage(r -> r.queueUrl(URL).receiptHandle(first.get(0).receiptHandle()));
        assertThat(fake.depth()).isEqualTo(1);
        assertThatThrownBy(() -> sqs.changeMessageVisibility(r -> r.queueUrl(URL)
                .receiptHandle(first.get(0).receiptHandle()).visibilityTimeout(0)))
                .isInstanceOf(ReceiptHandleIsInvalidException.class);
        sqs.changeMessageVisibility(r -> r.queueUrl(URL).receiptHandle(again.get(0).receiptHandle()).visibilityTimeout(0));
        assertThat(fake.receive(10)).hasSize(1);
    }
}
