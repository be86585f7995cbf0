package dev.fargatescaler.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.webhook.CachingSecretSource;
import dev.fargatescaler.domain.webhook.RecentDeliveries;
import dev.fargatescaler.domain.webhook.WebhookAuthenticator;
import dev.fargatescaler.domain.webhook.WebhookIntake;
import dev.fargatescaler.domain.webhook.WebhookRequest;
import dev.fargatescaler.domain.webhook.WebhookResponse;
import dev.fargatescaler.shared.aws.AwsClients;
import dev.fargatescaler.shared.aws.AwsSecretSource;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.shared.config.EnvReader;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import dev.fargatescaler.shared.lambda.HttpApiEvents;
import dev.fargatescaler.shared.lambda.LambdaLogging;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda entry point for {@code POST /webhook} (API Gateway HTTP API, payload format 2.0). Thin by design: it
 * turns the HTTP API event into a {@link WebhookRequest}, lets {@link WebhookIntake} decide, and writes the
 * HTTP answer.
 */
public final class WebhookHandler implements RequestStreamHandler {

    private final WebhookIntake intake;
    private final Metrics metrics;
    private final Clock clock;

    /** Used by Lambda: wires the real adapters once per container (and so into the SnapStart snapshot). */
    public WebhookHandler() {
        this(WebhookConfig.load(EnvReader.system()));
    }

    private WebhookHandler(WebhookConfig config) {
        this(wire(config), new EmfMetrics(config.metricsNamespace()), Clock.systemUTC());
    }

    private WebhookHandler(Wiring wiring, Metrics metrics, Clock clock) {
        this(new WebhookIntake(wiring.authenticator(clock), wiring.queue(), metrics,
                new RecentDeliveries(10_000, WebhookAuthenticator.TIMESTAMP_TOLERANCE, clock)), metrics, clock);
    }

    /** For tests and local mode: the domain service with its ports already wired. */
    public WebhookHandler(WebhookIntake intake, Metrics metrics, Clock clock) {
        this.intake = Objects.requireNonNull(intake);
        this.metrics = Objects.requireNonNull(metrics);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        WebhookResponse response = LambdaLogging.withLogging(context, () -> handle(input));
        Json.MAPPER.writeValue(output, HttpApiEvents.response(response.statusCode(), response.body()));
    }

    private WebhookResponse handle(InputStream input) {
        try {
            JsonNode event;
            try {
                event = Json.MAPPER.readTree(input);
            } catch (IOException e) {
                return intake.unreadableRequest();
            }
            HttpApiEvents.Request http = HttpApiEvents.parse(event);
            byte[] body;
            try {
                body = http.bodyBytes();
            } catch (IllegalArgumentException e) {
                return intake.undecodableBody();
            }
            if (body.length > WebhookIntake.MAX_BODY_BYTES) {
                return intake.oversizeBody();
            }
            return intake.handle(new WebhookRequest(http.headers(), body, clock.instant()));
        } finally {
            metrics.flush();
        }
    }

    private record Wiring(WebhookConfig config, CachingSecretSource secrets, SqsJobQueue queue) {
        WebhookAuthenticator authenticator(Clock clock) {
            return new WebhookAuthenticator(
                    config.tokenSecret() == null ? null : () -> secrets.secret(config.tokenSecret()),
                    config.signingSecret() == null ? null : () -> secrets.secret(config.signingSecret()),
                    clock);
        }
    }

    private static Wiring wire(WebhookConfig config) {
        SqsClient sqs = AwsClients.build(SqsClient.builder(), RetryMode.STANDARD, Duration.ofSeconds(4));
        CachingSecretSource secrets = new CachingSecretSource(AwsSecretSource.create(), config.secretTtl(),
                Clock.systemUTC());
        return new Wiring(config, secrets, new SqsJobQueue(sqs, config.queueUrl()));
    }
}
