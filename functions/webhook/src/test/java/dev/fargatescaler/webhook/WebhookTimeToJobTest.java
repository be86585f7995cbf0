package dev.fargatescaler.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.shared.aws.AwsTarget;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import dev.fargatescaler.testkit.FaultInjectingHttpClient;
import dev.fargatescaler.testkit.MotoClients;
import dev.fargatescaler.testkit.MotoServer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * What time-to-job measurement costs the webhook, through its production wiring against moto_server: running
 * hooks are answered exactly as before, nothing is queued, and the environments (needed to name the runner's
 * environment) are read from SSM once per refresh period, not once per hook.
 */
class WebhookTimeToJobTest {

    static MotoServer moto;
    static SqsClient sqs;
    static String queueUrl;

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start();
        sqs = MotoClients.build(SqsClient.builder(), moto.endpoint());
        queueUrl = sqs.createQueue(r -> r.queueName("jobs-time-to-job")).queueUrl();
        MotoClients.build(SecretsManagerClient.builder(), moto.endpoint())
                .createSecret(r -> r.name("glfs/webhook-token").secretString(WebhookHandlerIntegrationTest.TOKEN));
        MotoClients.build(SsmClient.builder(), moto.endpoint()).putParameter(r -> r.name("/glfs/environments/dev")
                .type(ParameterType.STRING).value("""
                        {"name": "dev", "tags": ["fargate", "dev"], "cluster": "glfs-dev",
                         "taskDefinition": "glfs-dev-runner", "subnets": ["subnet-0123456789abcdef0"],
                         "securityGroups": ["sg-0123456789abcdef0"]}"""));
    }

    @AfterAll
    static void stopMoto() {
        moto.close();
    }

    @Test
    void runningHooksAreAnsweredAsBeforeAndCostOneSsmReadPerRefreshPeriod() throws Exception {
        FaultInjectingHttpClient http = new FaultInjectingHttpClient(UrlConnectionHttpClient.create());
        Map<String, String> variables = Map.of("JOB_QUEUE_URL", queueUrl,
                "WEBHOOK_TOKEN_SECRET", "glfs/webhook-token", "ENVIRONMENTS_SSM_PATH", "/glfs/environments");
        WebhookHandler handler = WebhookHandler.wiredBy(new FunctionWiring(variables, AwsTarget.of(Map.of(
                "AWS_ENDPOINT_URL", moto.endpoint(), "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing")), http, Clock.systemUTC()));

        for (int i = 0; i < 3; i++) {
            var headers = new HashMap<>(WebhookHandlerIntegrationTest.jobHookHeaders(WebhookHandlerIntegrationTest.TOKEN));
            headers.put("idempotency-key", "running-" + i);
            JsonNode response = WebhookHandlerIntegrationTest.invoke(handler, WebhookHandlerIntegrationTest.event(
                    headers, WebhookHandlerIntegrationTest.fixture("job-running.derived.json"), false));
            assertThat(response.get("statusCode").intValue()).isEqualTo(200);
            assertThat(response.get("body").asText())
                    .isEqualTo("{\"status\":\"ignored\",\"message\":\"job status is running, only pending jobs are queued\"}");
        }

        assertThat(http.calls("GetParametersByPath")).as("environments read once for three hooks").isEqualTo(1);
        assertThat(http.calls("SendMessage")).as("nothing queued").isZero();
    }
}
