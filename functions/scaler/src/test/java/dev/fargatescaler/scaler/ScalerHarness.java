package dev.fargatescaler.scaler;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.shared.aws.AwsTarget;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import dev.fargatescaler.testkit.FaultInjectingHttpClient;
import dev.fargatescaler.testkit.MotoClients;
import dev.fargatescaler.testkit.MotoEcsFixture;
import dev.fargatescaler.testkit.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The scaler wired as in production (its {@link FunctionWiring}: the same SDK clients, retry strategies and
 * timeouts), against moto_server for ECS, SQS, Secrets Manager and SSM, and WireMock for GitLab. Every SDK call
 * goes through {@link #ecsHttp}, so that tests can inject ECS faults (rules match one operation).
 */
final class ScalerHarness implements AutoCloseable {

    static final String GITLAB_TOKEN = dev.fargatescaler.testkit.TestSecrets.GITLAB_API_TOKEN;

    final MotoServer moto;
    final MotoEcsFixture ecsFixture;
    final WireMockServer gitLab;
    final SqsClient sqs;
    final String queueUrl;
    final FaultInjectingHttpClient ecsHttp;

    ScalerHarness() {
        moto = MotoServer.start();
        ecsFixture = MotoEcsFixture.connect(moto.endpoint());
        ecsFixture.freezeTaskStates();
        gitLab = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        gitLab.start();
        sqs = MotoClients.build(SqsClient.builder(), moto.endpoint());
        queueUrl = sqs.createQueue(r -> r.queueName("glfs-jobs")).queueUrl();
        MotoClients.build(SecretsManagerClient.builder(), moto.endpoint())
                .createSecret(r -> r.name("glfs/gitlab-api-token").secretString(GITLAB_TOKEN));
        ecsHttp = new FaultInjectingHttpClient(UrlConnectionHttpClient.create());
    }

    /** A handler wired from environment variables as Lambda would see them. */
    ScalerHandler handler(String environmentsJson, RecordingMetrics metrics) {
        Map<String, String> env = variables();
        env.put("ENVIRONMENTS", environmentsJson);
        return ScalerHandler.wiredBy(wiring(env, Clock.systemUTC()), metrics);
    }

    /** The variables of template.yaml's scaler, pointed at this harness; environments left to the caller. */
    Map<String, String> variables() {
        Map<String, String> env = new HashMap<>();
        env.put("GITLAB_URL", gitLab.baseUrl());
        env.put("GITLAB_TOKEN_SECRET", "glfs/gitlab-api-token");
        env.put("JOB_QUEUE_URL", queueUrl);
        return env;
    }

    /** The production wiring of a container with these variables, talking to moto through {@link #ecsHttp}. */
    FunctionWiring wiring(Map<String, String> env, Clock clock) {
        return new FunctionWiring(env, AwsTarget.of(Map.of("AWS_ENDPOINT_URL", moto.endpoint(),
                "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing")),
                ecsHttp, clock);
    }

    /** Invokes the handler with an SQS event and returns the ids in batchItemFailures. */
    static List<String> invoke(ScalerHandler handler, String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        JsonNode response = Json.MAPPER.readTree(out.toByteArray());
        List<String> failed = new ArrayList<>();
        for (JsonNode failure : response.get("batchItemFailures")) {
            failed.add(failure.get("itemIdentifier").textValue());
        }
        return failed;
    }

    /** An SQS event of {@code (messageId, receiptHandle, body, receiveCount)} records. */
    static String event(List<String[]> records) {
        var root = Json.MAPPER.createObjectNode();
        var array = root.putArray("Records");
        for (String[] r : records) {
            var record = array.addObject();
            record.put("messageId", r[0]);
            record.put("receiptHandle", r[1]);
            record.put("body", r[2]);
            record.putObject("attributes").put("ApproximateReceiveCount", r.length > 3 ? r[3] : "1");
            record.put("eventSource", "aws:sqs");
        }
        return root.toString();
    }

    @Override
    public void close() {
        gitLab.stop();
        moto.close();
    }
}
