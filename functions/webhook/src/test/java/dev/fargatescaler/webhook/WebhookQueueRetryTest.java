package dev.fargatescaler.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.shared.aws.AwsTarget;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import dev.fargatescaler.testkit.FaultInjectingHttpClient;
import dev.fargatescaler.testkit.MotoClients;
import dev.fargatescaler.testkit.MotoServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * GitLab does not retry a delivery we fail (app/services/web_hook_service.rb records the answer and moves on), so
 * the webhook's queue write retries within a budget that fits GitLab's 10 s: the handler is built by its
 * production wiring ({@code WebhookHandler.wiredBy}, the SDK client of {@code ClientSettings.SQS_WEBHOOK}) against
 * moto_server, with SQS faults injected in the HTTP client.
 */
class WebhookQueueRetryTest {

    /** ClientSettings.SQS_WEBHOOK's call timeout, plus scheduling slack for a loaded machine. */
    private static final Duration BUDGET = Duration.ofMillis(3500);
    private static final Duration SLACK = Duration.ofMillis(1500);

    static MotoServer moto;
    static SqsClient sqs;
    FaultInjectingHttpClient http;
    String queueUrl;
    WebhookHandler handler;

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start();
        sqs = MotoClients.build(SqsClient.builder(), moto.endpoint());
        MotoClients.build(SecretsManagerClient.builder(), moto.endpoint())
                .createSecret(r -> r.name("glfs/webhook-token").secretString(WebhookHandlerIntegrationTest.TOKEN));
    }

    @AfterAll
    static void stopMoto() {
        moto.close();
    }

    @BeforeEach
    void wire() throws Exception {
        queueUrl = sqs.createQueue(r -> r.queueName("jobs-" + System.nanoTime())).queueUrl();
        http = new FaultInjectingHttpClient(UrlConnectionHttpClient.create());
        Map<String, String> variables = Map.of("JOB_QUEUE_URL", queueUrl, "WEBHOOK_TOKEN_SECRET", "glfs/webhook-token");
        handler = WebhookHandler.wiredBy(new FunctionWiring(variables, AwsTarget.of(Map.of(
                "AWS_ENDPOINT_URL", moto.endpoint(), "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing")), http, Clock.systemUTC()));
        // Read the secret once, so that the timings below are the queue write's alone.
        assertThat(deliver("warm-up")).isEqualTo(202);
        http.clear();
    }

    private int deliver(String idempotencyKey) throws Exception {
        var headers = new java.util.HashMap<>(WebhookHandlerIntegrationTest.jobHookHeaders(
                WebhookHandlerIntegrationTest.TOKEN));
        headers.put("idempotency-key", idempotencyKey);
        JsonNode response = WebhookHandlerIntegrationTest.invoke(handler, WebhookHandlerIntegrationTest.event(
                headers, WebhookHandlerIntegrationTest.fixture("job-pending.derived.json"), false));
        return response.get("statusCode").intValue();
    }

    private int queued() {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)).messages().size();
    }

    @Test
    void transientSqsFailuresWithinTheBudgetStillEndIn202() throws Exception {
        sqs.purgeQueue(r -> r.queueUrl(queueUrl));
        http.answer("SendMessage", body -> true, 3, 500, FaultInjectingHttpClient.internalError());

        long start = System.nanoTime();
        int status = deliver("three-failures");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(status).isEqualTo(202);
        assertThat(http.calls("SendMessage")).isEqualTo(4);
        assertThat(queued()).isEqualTo(1);
        assertThat(took).isLessThan(BUDGET.plus(SLACK));
    }

    @Test
    void aHungAttemptIsCutShortAndRetried() throws Exception {
        sqs.purgeQueue(r -> r.queueUrl(queueUrl));
        http.hang("SendMessage", 1, Duration.ofSeconds(8));

        long start = System.nanoTime();
        int status = deliver("hung-once");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(status).isEqualTo(202);
        assertThat(http.calls("SendMessage")).isEqualTo(2);
        // One attempt timeout (800 ms) and a short backoff, far from the hang's 8 s.
        assertThat(took).isLessThan(BUDGET);
    }

    @Test
    void whenTheBudgetIsSpentTheAnswerIs503InBoundedTime() throws Exception {
        http.answer("SendMessage", body -> true, 100, 500, FaultInjectingHttpClient.internalError());

        long start = System.nanoTime();
        int status = deliver("always-failing");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(status).isEqualTo(503);
        assertThat(http.calls("SendMessage")).isEqualTo(4);
        assertThat(took).isLessThan(BUDGET.plus(SLACK));
    }

    @Test
    void aWriteThatHangsEveryAttemptGivesUpWithinTheBudget() throws Exception {
        http.hang("SendMessage", 100, Duration.ofSeconds(8));

        long start = System.nanoTime();
        int status = deliver("always-hung");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(status).isEqualTo(503);
        // Under the function's 8 s timeout and GitLab's 10 s, with the secret read's 2.5 s to spare.
        assertThat(took).isLessThan(BUDGET.plus(SLACK)).isGreaterThan(Duration.ofMillis(1500));
    }
}
