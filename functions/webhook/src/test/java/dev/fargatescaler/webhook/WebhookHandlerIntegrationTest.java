package dev.fargatescaler.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.webhook.CachingSecretSource;
import dev.fargatescaler.domain.webhook.RecentDeliveries;
import dev.fargatescaler.domain.webhook.WebhookAuthenticator;
import dev.fargatescaler.domain.webhook.WebhookIntake;
import dev.fargatescaler.shared.aws.AwsSecretSource;
import dev.fargatescaler.shared.aws.DynamoDbProjectRegistry;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.testkit.CapturedLogs;
import dev.fargatescaler.testkit.MotoClients;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The webhook function end to end through the real AWS SDK against moto_server: API Gateway events in,
 * HTTP answers out, messages read back from SQS; secrets from Secrets Manager and SSM.
 */
class WebhookHandlerIntegrationTest {

    static final String TOKEN = TestSecrets.WEBHOOK_TOKEN;
    static final String SIGNING = TestSecrets.SIGNING_SECRET;

    static MotoServer moto;
    static SqsClient sqs;
    static SecretsManagerClient secretsManager;
    static SsmClient ssm;
    String queueUrl;
    RecordingMetrics metrics;

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        var http = UrlConnectionHttpClient.create();
        sqs = SqsClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(http).build();
        secretsManager = SecretsManagerClient.builder().endpointOverride(URI.create(moto.endpoint()))
                .region(Region.US_EAST_1).credentialsProvider(credentials).httpClient(http).build();
        ssm = SsmClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(http).build();
        secretsManager.createSecret(r -> r.name("glfs/webhook-token").secretString(TOKEN));
        ssm.putParameter(r -> r.name("/glfs/webhook-signing").value(SIGNING).type(ParameterType.SECURE_STRING));
    }

    @AfterAll
    static void stopMoto() {
        moto.close();
    }

    @BeforeEach
    void freshQueue() {
        queueUrl = sqs.createQueue(r -> r.queueName("jobs-" + System.nanoTime())).queueUrl();
        metrics = new RecordingMetrics();
    }

    WebhookHandler handler(String tokenRef, String signingRef) {
        var secrets = new CachingSecretSource(new AwsSecretSource(() -> secretsManager, () -> ssm),
                Duration.ofMinutes(5), Clock.systemUTC());
        var authenticator = new WebhookAuthenticator(
                tokenRef == null ? null : () -> secrets.secret(tokenRef),
                signingRef == null ? null : () -> secrets.secret(signingRef),
                Clock.systemUTC());
        var intake = new WebhookIntake(authenticator, new SqsJobQueue(sqs, queueUrl), metrics,
                new RecentDeliveries(100, Duration.ofMinutes(5), Clock.systemUTC()));
        return new WebhookHandler(intake, metrics, Clock.systemUTC());
    }

    static String fixture(String name) throws Exception {
        try (InputStream in = WebhookHandlerIntegrationTest.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** An API Gateway HTTP API (payload 2.0) event as GitLab's delivery produces it. */
    static ObjectNode event(Map<String, String> headers, String body, boolean base64) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "POST /webhook");
        event.put("rawPath", "/webhook");
        ObjectNode h = event.putObject("headers");
        headers.forEach(h::put);
        event.putObject("requestContext").put("requestId", "req-1").putObject("http").put("method", "POST");
        event.put("body", base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
        event.put("isBase64Encoded", base64);
        return event;
    }

    static Map<String, String> jobHookHeaders(String token) {
        return Map.of("x-gitlab-event", "Job Hook", "x-gitlab-token", token, "content-type", "application/json",
                "x-gitlab-instance", "https://gitlab.example.com", "idempotency-key", "idem-" + System.nanoTime());
    }

    static JsonNode invoke(WebhookHandler handler, JsonNode event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    List<Message> drain() {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
    }

    @Test
    void aPendingJobIsAnswered202AndExactlyOneMessageIsQueued() throws Exception {
        WebhookHandler handler = handler("glfs/webhook-token", null);
        try (CapturedLogs logs = CapturedLogs.start()) {
            JsonNode response = invoke(handler, event(jobHookHeaders(TOKEN), fixture("job-pending.derived.json"), true));

            assertThat(response.get("statusCode").intValue()).isEqualTo(202);
            assertThat(response.at("/headers/content-type").textValue()).isEqualTo("application/json");
            List<Message> messages = drain();
            assertThat(messages).hasSize(1);
            PendingJob job = PendingJobCodec.fromJson(messages.get(0).body());
            assertThat(job.jobId()).isEqualTo(1977);
            assertThat(job.projectId()).isEqualTo(380);
            assertThat(job.receivedAt()).isBefore(Instant.now().plusSeconds(1));
            assertThat(metrics.sum("WebhookQueued")).isEqualTo(1);
            assertThat(logs.all()).contains("decision=queued").doesNotContain(TOKEN);
        }
    }

    @Test
    void ignoredRejectedAndMalformedRequestsQueueNothing() throws Exception {
        WebhookHandler handler = handler("glfs/webhook-token", null);
        try (CapturedLogs logs = CapturedLogs.start()) {
            assertThat(invoke(handler, event(jobHookHeaders(TOKEN), fixture("job-success.gitlab-com-2023.json"), false))
                    .get("statusCode").intValue()).isEqualTo(200);
            assertThat(invoke(handler, event(jobHookHeaders("wrong-" + TOKEN), fixture("job-pending.derived.json"), false))
                    .get("statusCode").intValue()).isEqualTo(401);
            assertThat(invoke(handler, event(jobHookHeaders(TOKEN), "{\"object_kind\":", false))
                    .get("statusCode").intValue()).isEqualTo(400);
            ObjectNode badBase64 = event(jobHookHeaders(TOKEN), "{}", false);
            badBase64.put("body", "%%% not base64 %%%");
            badBase64.put("isBase64Encoded", true);
            assertThat(invoke(handler, badBase64).get("statusCode").intValue()).isEqualTo(400);
            String oversize = "{\"object_kind\":\"build\",\"pad\":\"" + "x".repeat(WebhookIntake.MAX_BODY_BYTES) + "\"}";
            assertThat(invoke(handler, event(jobHookHeaders(TOKEN), oversize, true)).get("statusCode").intValue())
                    .isEqualTo(413);

            assertThat(drain()).isEmpty();
            assertThat(logs.all()).doesNotContain(TOKEN);
        }
    }

    @Test
    void signedWebhooksWithTheSigningSecretInSsm() throws Exception {
        WebhookHandler handler = handler(null, "ssm:/glfs/webhook-signing");
        String body = fixture("job-pending.derived.json");
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        String signature = WebhookAuthenticator.sign(SIGNING, "msg_it_1", timestamp,
                body.getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = Map.of("x-gitlab-event", "Job Hook", "webhook-id", "msg_it_1",
                "webhook-timestamp", timestamp, "webhook-signature", signature);

        assertThat(invoke(handler, event(headers, body, false)).get("statusCode").intValue()).isEqualTo(202);
        String stale = Long.toString(Instant.now().getEpochSecond() - 600);
        Map<String, String> replayed = Map.of("x-gitlab-event", "Job Hook", "webhook-id", "msg_it_1",
                "webhook-timestamp", stale, "webhook-signature",
                WebhookAuthenticator.sign(SIGNING, "msg_it_1", stale, body.getBytes(StandardCharsets.UTF_8)));
        assertThat(invoke(handler, event(replayed, body, false)).get("statusCode").intValue()).isEqualTo(401);
        assertThat(drain()).hasSize(1);
    }

    @Test
    void everyAuthenticatedJobHookRecordsItsProjectForTheCatchUpEvenWhenTheQueueIsDown() throws Exception {
        DynamoDbClient dynamo = MotoClients.build(DynamoDbClient.builder(), moto.endpoint());
        String table = "projects-" + System.nanoTime();
        dynamo.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("projectId").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("projectId").attributeType(ScalarAttributeType.N)));
        DynamoDbProjectRegistry registry = new DynamoDbProjectRegistry(dynamo, table, 100);
        SqsClient unreachable = MotoClients.build(SqsClient.builder(), "http://127.0.0.1:1");
        var authenticator = new WebhookAuthenticator(() -> TOKEN, null, Clock.systemUTC());
        var intake = new WebhookIntake(authenticator, new SqsJobQueue(unreachable, queueUrl), metrics,
                new RecentDeliveries(100, Duration.ofMinutes(5), Clock.systemUTC()),
                WebhookHandler.projectActivity(registry, metrics, Clock.systemUTC()));
        WebhookHandler handler = new WebhookHandler(intake, metrics, Clock.systemUTC());
        ObjectNode created = (ObjectNode) Json.MAPPER.readTree(fixture("job-created.gitlab-docs.json"));
        created.put("project_id", 501);

        assertThat(invoke(handler, event(jobHookHeaders(TOKEN), created.toString(), false)).get("statusCode")
                .intValue()).isEqualTo(200);
        assertThat(invoke(handler, event(jobHookHeaders(TOKEN), fixture("job-pending.derived.json"), false))
                .get("statusCode").intValue()).as("the queue is down").isEqualTo(503);
        assertThat(invoke(handler, event(jobHookHeaders("wrong"), fixture("job-pending.derived.json"), false))
                .get("statusCode").intValue()).isEqualTo(401);

        assertThat(registry.projects()).extracting(p -> p.projectId()).containsExactlyInAnyOrder(501L, 380L);
        assertThat(registry.projects()).allSatisfy(p -> assertThat(p.lastSeenAt()).isNotNull());
    }

    @Test
    void aProjectsTableThatCannotBeWrittenNeverChangesTheAnswer() throws Exception {
        DynamoDbClient dynamo = MotoClients.build(DynamoDbClient.builder(), moto.endpoint());
        DynamoDbProjectRegistry missing = new DynamoDbProjectRegistry(dynamo, "no-such-table", 100);
        var authenticator = new WebhookAuthenticator(() -> TOKEN, null, Clock.systemUTC());
        var intake = new WebhookIntake(authenticator, new SqsJobQueue(sqs, queueUrl), metrics,
                new RecentDeliveries(100, Duration.ofMinutes(5), Clock.systemUTC()),
                WebhookHandler.projectActivity(missing, metrics, Clock.systemUTC()));

        JsonNode response = invoke(new WebhookHandler(intake, metrics, Clock.systemUTC()),
                event(jobHookHeaders(TOKEN), fixture("job-pending.derived.json"), false));

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(drain()).hasSize(1);
        assertThat(metrics.sum("WebhookProjectNotRecorded")).isEqualTo(1);
    }

    @Test
    void whenSqsIsUnreachableGitLabGets503() throws Exception {
        SqsClient unreachable = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:1"))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        var intake = new WebhookIntake(new WebhookAuthenticator(() -> TOKEN, null, Clock.systemUTC()),
                new SqsJobQueue(unreachable, queueUrl), metrics,
                new RecentDeliveries(10, Duration.ofMinutes(5), Clock.systemUTC()));
        try (CapturedLogs logs = CapturedLogs.start()) {
            JsonNode response = invoke(new WebhookHandler(intake, metrics, Clock.systemUTC()),
                    event(jobHookHeaders(TOKEN), fixture("job-pending.derived.json"), false));

            assertThat(response.get("statusCode").intValue()).isEqualTo(503);
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("ERROR").contains("could not queue"));
        }
        assertThat(metrics.sum("WebhookEnqueueFailed")).isEqualTo(1);
    }
}
