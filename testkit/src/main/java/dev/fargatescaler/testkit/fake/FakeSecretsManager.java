package dev.fargatescaler.testkit.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * AWS Secrets Manager's {@code GetSecretValue}, and nothing else, for a fixed set of secrets, plugged into the real
 * AWS SDK as its {@link SdkHttpClient} (JSON protocol, {@code X-Amz-Target: secretsmanager.GetSecretValue}): for
 * benchmarks and suites that run the production wiring in virtual time, where moto_server cannot follow the
 * clock. The answer has the API's fields ({@code ARN}, {@code Name}, {@code SecretString}, {@code VersionId},
 * {@code VersionStages}); an unknown id fails with {@code ResourceNotFoundException} (HTTP 400), as documented in
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html.
 */
public final class FakeSecretsManager implements SdkHttpClient {

    /** {@code X-Amz-Target} prefix of Secrets Manager requests. */
    public static final String TARGET_PREFIX = "secretsmanager.";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, String> secrets;

    /** @param secrets secret value by name (a request may name a secret by its name or by an ARN ending in it) */
    public FakeSecretsManager(Map<String, String> secrets) {
        this.secrets = Map.copyOf(secrets);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return AwsJsonWire.answering(request, call -> handle(call.target(), call.body()));
    }

    private HttpExecuteResponse handle(String target, byte[] body) {
        if (!(TARGET_PREFIX + "GetSecretValue").equals(target)) {
            return response(400, JSON.createObjectNode().put("__type", "InvalidRequestException")
                    .put("message", "FakeSecretsManager does not implement " + target));
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            return response(400, JSON.createObjectNode().put("__type", "InvalidParameterException")
                    .put("message", "bad body"));
        }
        String id = request == null ? "" : request.path("SecretId").asText("");
        String name = secrets.keySet().stream().filter(n -> id.equals(n) || id.endsWith(":" + n)
                || id.endsWith(":secret:" + n)).findFirst().orElse(null);
        if (name == null) {
            return response(400, JSON.createObjectNode().put("__type", "ResourceNotFoundException")
                    .put("message", "Secrets Manager can't find the specified secret."));
        }
        ObjectNode answer = JSON.createObjectNode()
                .put("ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name + "-AbCdEf")
                .put("Name", name)
                .put("SecretString", secrets.get(name))
                .put("VersionId", "00000000-0000-4000-8000-000000000001");
        answer.putArray("VersionStages").add("AWSCURRENT");
        return response(200, answer);
    }

    private static HttpExecuteResponse response(int status, JsonNode body) {
        return AwsJsonWire.answer(status, body, AwsJsonWire.JSON_1_1);
    }

    @Override
    public void close() {
    }

    @Override
    public String clientName() {
        return "FakeSecretsManager";
    }
}
