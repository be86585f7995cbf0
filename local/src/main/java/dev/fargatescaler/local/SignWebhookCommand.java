package dev.fargatescaler.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.webhook.WebhookAuthenticator;
import dev.fargatescaler.local.aws.StackConfig;
import dev.fargatescaler.local.cli.Args;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code bin/local sign-webhook <event.json|->}: prints the API Gateway event with fresh Standard Webhooks
 * headers ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}) signed with the local
 * signing secret. A signature is only valid for 5 minutes, so signed sample events cannot be stored: they are
 * signed when sent, e.g.
 * {@code bin/local sign-webhook events/webhook-pending.json | bin/local invoke WebhookFunction -e - --env-vars events/env-vars-signed.json}.
 */
public final class SignWebhookCommand {

    static final String USAGE = """
            usage: bin/local sign-webhook <event.json|-> [--secret whsec_...]
              Prints the event with fresh webhook-id/webhook-timestamp/webhook-signature headers, signed with the
              local signing secret (local/stack.json: local/gitlab-webhook-signing-secret) or --secret.""";

    static final String SIGNING_SECRET_NAME = "local/gitlab-webhook-signing-secret";

    private SignWebhookCommand() {
    }

    static int run(Path root, String[] args, PrintStream out) throws IOException {
        Args parsed = Args.parse(args, 1, Set.of("--secret"), Set.of("--help"), Map.of());
        if (parsed.flag("--help")) {
            out.println(USAGE);
            return 0;
        }
        if (parsed.positionals().size() != 1) {
            throw new Args.UsageException("name one event file (or - for stdin)");
        }
        String secret = parsed.value("--secret") != null ? parsed.value("--secret")
                : StackConfig.load(root.resolve("local/stack.json")).secrets().get(SIGNING_SECRET_NAME);
        byte[] event = InvokeCommand.readEvent(parsed.positionals().get(0));
        out.println(Json.MAPPER.writeValueAsString(sign(event, secret, Instant.now())));
        return 0;
    }

    /** The event with signature headers over its body (decoded first when it is base64). */
    public static ObjectNode sign(byte[] event, String secret, Instant now) throws IOException {
        ObjectNode node = (ObjectNode) Json.MAPPER.readTree(event);
        String body = node.path("body").asText("");
        byte[] raw = node.path("isBase64Encoded").asBoolean(false)
                ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        String timestamp = Long.toString(now.getEpochSecond());
        ObjectNode headers = node.has("headers") && node.get("headers").isObject()
                ? (ObjectNode) node.get("headers") : node.putObject("headers");
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", timestamp);
        headers.put("webhook-signature", WebhookAuthenticator.sign(secret, id, timestamp, raw));
        return node;
    }
}
