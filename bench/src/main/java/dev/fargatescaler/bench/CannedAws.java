package dev.fargatescaler.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Canned 200 answers to the AWS JSON-protocol calls the functions make (SQS, Secrets Manager, SSM, ECS), so that
 * the SDK still marshals, signs, validates checksums and unmarshals, but nothing waits on a network or an
 * emulator. Used in-process by {@link FakeSdkHttpClient} (JMH) and over loopback by {@link CannedAwsServer}
 * (cold start). Every secret reads as {@link #SECRET}.
 */
public final class CannedAws {

    public static final String SECRET = "bench-webhook-token";

    private static final AtomicLong IDS = new AtomicLong();

    private CannedAws() {
    }

    /**
     * @param target the {@code X-Amz-Target} header, e.g. {@code AmazonSQS.SendMessage}
     * @param body   the request body
     * @return the response body, or {@code null} for an operation this class does not know
     */
    public static byte[] respond(String target, byte[] body) {
        try {
            JsonNode request = body.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
            ObjectNode response = Json.MAPPER.createObjectNode();
            String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
            switch (operation) {
                case "SendMessage" -> {
                    response.put("MessageId", "m-" + IDS.incrementAndGet());
                    response.put("MD5OfMessageBody", md5(request.path("MessageBody").asText()));
                }
                case "SendMessageBatch" -> {
                    var ok = response.putArray("Successful");
                    for (JsonNode entry : request.path("Entries")) {
                        ok.addObject().put("Id", entry.path("Id").asText())
                                .put("MessageId", "m-" + IDS.incrementAndGet())
                                .put("MD5OfMessageBody", md5(entry.path("MessageBody").asText()));
                    }
                    response.putArray("Failed");
                }
                case "DeleteMessage", "ChangeMessageVisibility", "TagResource" -> { }
                case "DeleteMessageBatch", "ChangeMessageVisibilityBatch" -> {
                    var ok = response.putArray("Successful");
                    for (JsonNode entry : request.path("Entries")) {
                        ok.addObject().put("Id", entry.path("Id").asText());
                    }
                    response.putArray("Failed");
                }
                case "GetSecretValue" -> {
                    response.put("ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:"
                            + request.path("SecretId").asText() + "-AbCdEf");
                    response.put("Name", request.path("SecretId").asText());
                    response.put("SecretString", SECRET);
                    response.put("VersionId", "v1");
                }
                case "GetParameter" -> response.putObject("Parameter")
                        .put("Name", request.path("Name").asText()).put("Type", "SecureString")
                        .put("Value", SECRET).put("Version", 1);
                case "RunTask" -> {
                    String cluster = request.path("cluster").asText("default");
                    var task = response.putArray("tasks").addObject();
                    task.put("taskArn", "arn:aws:ecs:us-east-1:123456789012:task/" + cluster + "/t"
                            + IDS.incrementAndGet());
                    task.put("clusterArn", "arn:aws:ecs:us-east-1:123456789012:cluster/" + cluster);
                    task.put("lastStatus", "PROVISIONING");
                    task.put("desiredStatus", "RUNNING");
                    task.put("launchType", "FARGATE");
                    if (request.has("startedBy")) {
                        task.put("startedBy", request.get("startedBy").asText());
                    }
                    if (request.has("group")) {
                        task.put("group", request.get("group").asText());
                    }
                    response.putArray("failures");
                }
                case "ListTasks" -> response.putArray("taskArns");
                case "DescribeTasks" -> {
                    response.putArray("tasks");
                    response.putArray("failures");
                }
                default -> {
                    return null;
                }
            }
            return Json.MAPPER.writeValueAsBytes(response);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable request for " + target, e);
        }
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
