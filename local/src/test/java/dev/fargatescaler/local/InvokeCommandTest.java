package dev.fargatescaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.local.runtime.FunctionWorker;
import dev.fargatescaler.testkit.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code bin/local invoke WebhookFunction -e events/...} against moto_server: the "done when" for the
 * webhook, through the same code path as the command (template, provisioning, worker JVM, the function's jar).
 */
class InvokeCommandTest {

    private static MotoServer moto;
    private static SqsClient sqs;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start();
        sqs = SqsClient.builder().endpointOverride(java.net.URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
    }

    @AfterAll
    static void stopMoto() {
        sqs.close();
        moto.close();
    }

    @BeforeEach
    void reset() {
        moto.reset();
    }

    private FunctionWorker.Result invoke(String event) throws IOException {
        return invoke(event, EnvVarsFile.NONE);
    }

    private FunctionWorker.Result invoke(String event, EnvVarsFile envVars) throws IOException {
        return InvokeCommand.invoke(ProjectFiles.root(), new InvokeCommand.Options("WebhookFunction",
                Files.readAllBytes(ProjectFiles.event(event)), envVars, Map.of()), moto.endpoint(), Region.US_EAST_1,
                new PrintStream(log, true, StandardCharsets.UTF_8), ProjectFiles.functionLog());
    }

    private static JsonNode response(FunctionWorker.Result result) throws IOException {
        assertThat(result.ok()).as("handler error: %s", result.payloadText()).isTrue();
        return Json.MAPPER.readTree(result.payload());
    }

    private List<Message> queued() {
        String url = sqs.getQueueUrl(r -> r.queueName("glfs-local-JobQueue")).queueUrl();
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
    }

    @Test
    void pendingJobIsQueuedExactlyOnce() throws IOException {
        JsonNode response = response(invoke("webhook-pending.json"));

        assertThat(response.path("statusCode").asInt()).isEqualTo(202);
        List<Message> messages = queued();
        assertThat(messages).hasSize(1);
        JsonNode message = Json.MAPPER.readTree(messages.get(0).body());
        assertThat(message.path("jobId").asLong()).isEqualTo(1977);
        assertThat(message.path("projectId").asLong()).isEqualTo(380);
    }

    @Test
    void templateQueuesAreCreatedWithTheirRedrivePolicy() throws IOException {
        invoke("webhook-created.json");

        String url = sqs.getQueueUrl(r -> r.queueName("glfs-local-JobQueue")).queueUrl();
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(url)
                .attributeNames(QueueAttributeName.ALL)).attributes();
        assertThat(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("360");
        assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY))
                .contains("glfs-local-JobDeadLetterQueue").contains("8");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "webhook-created.json, 200, ignored",
        "webhook-success.json, 200, ignored",
        "webhook-push-hook.json, 200, ignored",
        "webhook-wrong-token.json, 401, rejected",
        "webhook-missing-token.json, 401, rejected",
        "webhook-malformed.json, 400, rejected",
        "webhook-missing-fields.json, 400, rejected",
        "webhook-oversize.json, 413, rejected",
    })
    void everyOtherSampleEventIsAnsweredWithoutQueueing(String event, int status, String decision) throws IOException {
        JsonNode response = response(invoke(event));

        assertThat(response.path("statusCode").asInt()).isEqualTo(status);
        assertThat(Json.MAPPER.readTree(response.path("body").asText()).path("status").asText()).isEqualTo(decision);
        assertThat(queued()).isEmpty();
    }

    @Test
    void envVarsFileOverridesTheTemplate() throws IOException {
        Path file = Files.createTempFile("env-vars", ".json");
        // A secret name that does not exist: the webhook cannot read its token and must answer 503.
        Files.writeString(file, "{\"WebhookFunction\": {\"WEBHOOK_TOKEN_SECRET\": \"local/no-such-secret\"}}");

        JsonNode response = response(invoke("webhook-pending.json", EnvVarsFile.load(file)));

        assertThat(response.path("statusCode").asInt()).isEqualTo(503);
        assertThat(queued()).isEmpty();
    }

    @Test
    void signedWebhooksAreCheckedWhenTheSigningSecretIsConfigured() throws IOException {
        EnvVarsFile signingOn = EnvVarsFile.load(ProjectFiles.event("env-vars-signed.json"));
        byte[] pending = Files.readAllBytes(ProjectFiles.event("webhook-pending.json"));
        String secret = dev.fargatescaler.local.aws.StackConfig.load(ProjectFiles.root().resolve("local/stack.json"))
                .secrets().get(SignWebhookCommand.SIGNING_SECRET_NAME);
        byte[] signed = Json.MAPPER.writeValueAsBytes(SignWebhookCommand.sign(pending, secret, java.time.Instant.now()));
        byte[] stale = Json.MAPPER.writeValueAsBytes(SignWebhookCommand.sign(pending, secret,
                java.time.Instant.now().minusSeconds(600)));
        PrintStream err = new PrintStream(log, true, StandardCharsets.UTF_8);

        JsonNode unsigned = response(InvokeCommand.invoke(ProjectFiles.root(), new InvokeCommand.Options(
                "WebhookFunction", pending, signingOn, Map.of()), moto.endpoint(), Region.US_EAST_1, err, ProjectFiles.functionLog()));
        JsonNode old = response(InvokeCommand.invoke(ProjectFiles.root(), new InvokeCommand.Options(
                "WebhookFunction", stale, signingOn, Map.of()), moto.endpoint(), Region.US_EAST_1, err, ProjectFiles.functionLog()));
        assertThat(queued()).isEmpty();
        JsonNode accepted = response(InvokeCommand.invoke(ProjectFiles.root(), new InvokeCommand.Options(
                "WebhookFunction", signed, signingOn, Map.of()), moto.endpoint(), Region.US_EAST_1, err, ProjectFiles.functionLog()));

        assertThat(unsigned.path("statusCode").asInt()).isEqualTo(401);
        assertThat(old.path("statusCode").asInt()).isEqualTo(401);
        assertThat(accepted.path("statusCode").asInt()).isEqualTo(202);
        assertThat(queued()).hasSize(1);
    }

    @Test
    void commandPrintsOnlyTheResponseOnStdoutAndStartsItsOwnMotoWithoutAnEndpoint() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String previousRoot = System.getProperty("glfs.root");
        System.setProperty("glfs.root", ProjectFiles.root().toString());
        int code;
        try {
            code = LocalMain.run(new String[] {"invoke", "WebhookFunction", "-e",
                            ProjectFiles.event("webhook-pending.json").toString()}, Map.of(),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            if (previousRoot == null) {
                System.clearProperty("glfs.root");
            } else {
                System.setProperty("glfs.root", previousRoot);
            }
        }

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode response = Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(response.path("statusCode").asInt()).isEqualTo(202);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("starting moto_server");
    }
}
