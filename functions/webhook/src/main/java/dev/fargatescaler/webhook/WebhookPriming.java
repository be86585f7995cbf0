package dev.fargatescaler.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.job.JobHook;
import dev.fargatescaler.domain.job.JobHookParser;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.webhook.WebhookAuthenticator;
import dev.fargatescaler.domain.webhook.WebhookRequest;
import dev.fargatescaler.shared.aws.AwsSecretSource;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.shared.lambda.HttpApiEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * What the webhook warms before its SnapStart snapshot, all without side effects: the invocation path of a
 * pending-job delivery on a sample event (HTTP API event parsing, token check, Job Hook parsing, queue message
 * encoding and decoding, the HTTP answer), then the SDK calls of that path marshalled and signed but not sent
 * (SQS SendMessage; GetSecretValue or GetParameter for each configured secret, building those clients).
 * Nothing is kept: no secret is read, no delivery remembered, no metric emitted, no connection opened, no
 * timestamp or id stored (the sample's times are fixed).
 */
final class WebhookPriming {

    private static final String SAMPLE_HOOK = """
            {"object_kind":"build","ref":"main","tag":false,"sha":"0000000000000000000000000000000000000000",
             "retries_count":0,"build_id":1,"build_name":"priming","build_stage":"test","build_status":"pending",
             "build_created_at":"2024-01-01 00:00:00 UTC","build_created_at_iso":"2024-01-01T00:00:00Z",
             "build_started_at":null,"build_finished_at":null,"build_duration":null,"build_allow_failure":false,
             "build_failure_reason":"unknown_failure","pipeline_id":1,"project_id":1,"project_name":"priming / priming",
             "user":{"id":1,"name":"priming","username":"priming"},
             "commit":{"id":1,"name":null,"sha":"0000000000000000000000000000000000000000","message":"priming",
                       "author_name":"priming","author_email":"priming@example.com","status":"pending"},
             "repository":{"name":"priming","url":"git@example.com:priming/priming.git","description":null,
                           "homepage":"https://example.com/priming/priming"},
             "project":{"id":1,"name":"priming","path_with_namespace":"priming/priming"},
             "runner":null,"environment":null}""";

    private static final Instant FIXED = Instant.parse("2024-01-01T00:00:00Z");

    private WebhookPriming() {
    }

    static void prime(SqsJobQueue queue, AwsSecretSource secrets, WebhookConfig config) {
        try {
            var event = Json.MAPPER.createObjectNode();
            event.putObject("headers").put("x-gitlab-event", "Job Hook").put("x-gitlab-token", "priming");
            event.put("body", SAMPLE_HOOK);
            event.put("isBase64Encoded", false);
            HttpApiEvents.Request http = HttpApiEvents.parse(Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(event)));
            byte[] body = http.bodyBytes();

            WebhookAuthenticator authenticator = new WebhookAuthenticator(() -> "priming", null, Clock.systemUTC());
            authenticator.authenticate(new WebhookRequest(Map.copyOf(http.headers()), body, FIXED));

            JsonNode root = Json.MAPPER.readTree(body);
            JobHookParser.objectKind(root);
            JobHookParser.status(root);
            JobHook hook = JobHookParser.parse(root);
            PendingJob job = PendingJob.fromHook(hook, "https://gitlab.example.com", FIXED, "priming");
            PendingJobCodec.fromJson(PendingJobCodec.toJson(job));
            Json.MAPPER.writeValueAsBytes(HttpApiEvents.response(202, "{\"status\":\"queued\"}"));

            queue.prime(job);
            secrets.prime(config.tokenSecret());
            secrets.prime(config.signingSecret());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
