package dev.fargatescaler.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.webhook.RecentDeliveries;
import dev.fargatescaler.domain.webhook.WebhookAuthenticator;
import dev.fargatescaler.domain.webhook.WebhookIntake;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.testkit.CapturedLogs;
import dev.fargatescaler.testkit.MotoServer;
import dev.fargatescaler.testkit.TestSecrets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The hostile-input corpus: thousands of generated malicious or broken requests through the real handler, with
 * the real SQS adapter against moto_server. None may produce a 5xx, queue anything, or leak a secret.
 */
class HostileRequestsTest {

    static final String TOKEN = TestSecrets.WEBHOOK_TOKEN;
    static final String SIGNING = TestSecrets.SIGNING_SECRET;
    static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    static final int PER_SEED = 400;

    static MotoServer moto;
    static SqsClient sqs;
    static String queueUrl;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        sqs = SqsClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        queueUrl = sqs.createQueue(r -> r.queueName("hostile")).queueUrl();
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    static List<Long> seeds() throws Exception {
        try (InputStream in = HostileRequestsTest.class.getResourceAsStream("/hostile/seeds.txt")) {
            List<Long> seeds = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    seeds.add(Long.parseLong(line.strip()));
                }
            }
            return seeds;
        }
    }

    static WebhookHandler handler(boolean requireSignature, RecordingMetrics metrics) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        var intake = new WebhookIntake(
                new WebhookAuthenticator(() -> TOKEN, requireSignature ? () -> SIGNING : null, clock),
                new SqsJobQueue(sqs, queueUrl), metrics, new RecentDeliveries(1000, Duration.ofMinutes(5), clock));
        return new WebhookHandler(intake, metrics, clock);
    }

    @Test
    void everyHostileRequestIsRefusedOrIgnoredAndNothingLeaks() throws Exception {
        String pending;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/job-pending.derived.json")) {
            pending = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        HostileRequests generator = new HostileRequests(TOKEN, SIGNING, pending, NOW);
        List<HostileRequests.Case> cases = new ArrayList<>(generator.oversize());
        for (long seed : seeds()) {
            cases.addAll(generator.generate(seed, PER_SEED));
        }

        Map<String, Integer> statusCounts = new TreeMap<>();
        int tried = 0;
        RecordingMetrics metrics = new RecordingMetrics();
        try (CapturedLogs logs = CapturedLogs.start()) {
            WebhookHandler signed = handler(true, metrics);
            WebhookHandler tokenOnly = handler(false, metrics);
            for (HostileRequests.Case c : cases) {
                List<WebhookHandler> targets = c.kind().contains("signature")
                        ? List.of(signed) : List.of(signed, tokenOnly);
                for (WebhookHandler handler : targets) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    handler.handleRequest(new ByteArrayInputStream(c.event()), out, null);
                    JsonNode response = Json.MAPPER.readTree(out.toByteArray());
                    int status = response.get("statusCode").intValue();
                    String body = response.get("body").textValue();
                    tried++;
                    statusCounts.merge(c.kind() + " " + status, 1, Integer::sum);

                    assertThat(status).as("%s: %s", c.kind(), body).isBetween(200, 499).isNotEqualTo(202);
                    if (status < 300) {
                        assertThat(body).as(c.kind()).contains("\"status\":\"ignored\"");
                    }
                    assertThat(body).doesNotContain(TOKEN).doesNotContain(SIGNING);
                }
            }
            assertThat(logs.all()).doesNotContain(TOKEN).doesNotContain(SIGNING.substring(6));
        }

        assertThat(tried).isGreaterThanOrEqualTo(1000);
        assertThat(sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings()
                .get("ApproximateNumberOfMessages")).isEqualTo("0");
        assertThat(metrics.sum("WebhookQueued")).isZero();
        assertThat(metrics.sum("WebhookEnqueueFailed")).isZero();
        System.out.printf("hostile corpus: %d requests tried, 5xx: 0, queued: 0; by kind and status: %s%n", tried,
                statusCounts);
    }
}
