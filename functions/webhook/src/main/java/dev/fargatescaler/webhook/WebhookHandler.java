package dev.fargatescaler.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.timetojob.QueueTimes;
import dev.fargatescaler.domain.webhook.CachingSecretSource;
import dev.fargatescaler.domain.webhook.ProjectActivity;
import dev.fargatescaler.domain.webhook.RecentDeliveries;
import dev.fargatescaler.domain.webhook.WebhookAuthenticator;
import dev.fargatescaler.domain.webhook.WebhookIntake;
import dev.fargatescaler.domain.webhook.WebhookRequest;
import dev.fargatescaler.domain.webhook.WebhookResponse;
import dev.fargatescaler.shared.aws.AwsClients;
import dev.fargatescaler.shared.aws.AwsSecretSource;
import dev.fargatescaler.shared.aws.DynamoDbProjectRegistry;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import dev.fargatescaler.shared.lambda.HttpApiEvents;
import dev.fargatescaler.shared.lambda.LambdaLogging;
import dev.fargatescaler.shared.lambda.SnapStartPriming;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Objects;
import java.time.Duration;

/**
 * Lambda entry point for {@code POST /webhook} (API Gateway HTTP API, payload format 2.0). Thin by design: it
 * turns the HTTP API event into a {@link WebhookRequest}, lets {@link WebhookIntake} decide, and writes the
 * HTTP answer.
 */
public final class WebhookHandler implements RequestStreamHandler {

    private final WebhookIntake intake;
    private final Metrics metrics;
    private final Clock clock;
    /** Strong reference: org.crac holds registered resources weakly. Null when built for tests. */
    private SnapStartPriming priming;

    /** Used by Lambda: wires the real adapters once per container (and so into the SnapStart snapshot). */
    public WebhookHandler() {
        this(FunctionWiring.lambda(), true);
    }

    /**
     * The same wiring as Lambda's no-arg constructor, from the given variables instead of the process
     * environment: for local mode and tests ({@code AWS_ENDPOINT_URL} among them points the SDK at an emulator).
     */
    public static WebhookHandler fromEnvironment(java.util.Map<String, String> environment) {
        return wiredBy(FunctionWiring.of(environment));
    }

    /** Wired by {@code wiring} (benchmarks and tests pass one with a fake HTTP client), without SnapStart hooks. */
    public static WebhookHandler wiredBy(FunctionWiring wiring) {
        return new WebhookHandler(wiring, false);
    }

    private WebhookHandler(FunctionWiring functionWiring, boolean snapStart) {
        this(wire(WebhookConfig.load(functionWiring.variables()), functionWiring), snapStart, functionWiring);
    }

    private WebhookHandler(Wiring wiring, boolean snapStart, FunctionWiring functionWiring) {
        this(wiring.intake(), wiring.metrics(), wiring.clock());
        if (snapStart) {
            this.priming = functionWiring.snapStart("webhook", wiring::prime);
        }
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

    private record Wiring(WebhookConfig config, AwsSecretSource secretSource, SqsJobQueue queue, WebhookIntake intake,
                          Metrics metrics, Clock clock, DynamoDbProjectRegistry projects) {

        /** What SnapStart priming warms: see {@link WebhookPriming}. */
        void prime() {
            WebhookPriming.prime(queue, secretSource, config);
            if (projects != null) {
                projects.prime();
            }
            if (metrics instanceof EmfMetrics emf) {
                emf.prime();
            }
            AwsClients.primeHttp();
        }
    }

    private static Wiring wire(WebhookConfig config, FunctionWiring wiring) {
        Clock clock = wiring.clock();
        AwsSecretSource secretSource = wiring.secretStore();
        CachingSecretSource secrets = wiring.secrets(config.secretTtl());
        WebhookAuthenticator authenticator = new WebhookAuthenticator(
                config.tokenSecret() == null ? null : () -> secrets.secret(config.tokenSecret()),
                config.signingSecret() == null ? null : () -> secrets.secret(config.signingSecret()),
                clock);
        // Bounded retries of SendMessage within GitLab's 10 s (ClientSettings.SQS_WEBHOOK): GitLab does not
        // retry a delivery we answer 503, so a write that fails every attempt of that budget is lost unless the
        // catch-up finds the job.
        SqsJobQueue queue = wiring.webhookJobQueue(config.queueUrl());
        Metrics metrics = wiring.metrics(config.metricsNamespace());
        DynamoDbProjectRegistry projects = config.projectsTable() == null ? null
                : wiring.projectsForWebhook(config.projectsTable());
        // Time to job: no GitLab call; with environments configured, one SSM read per refresh period (and after
        // each SnapStart restore), through the same provider as the other functions (FunctionWiring).
        QueueTimes queueTimes = new QueueTimes(config.environments() == null ? null
                : wiring.environments(config.environments(), metrics), metrics);
        WebhookIntake intake = new WebhookIntake(authenticator, queue, metrics,
                new RecentDeliveries(10_000, WebhookAuthenticator.TIMESTAMP_TOLERANCE, clock),
                projectActivity(projects, metrics, clock), queueTimes);
        return new Wiring(config, secretSource, queue, intake, metrics, clock, projects);
    }

    /** At most one write per project per 5 minutes per container, for up to 10,000 projects remembered. */
    static ProjectActivity projectActivity(DynamoDbProjectRegistry projects, Metrics metrics, Clock clock) {
        return projects == null ? ProjectActivity.OFF
                : new ProjectActivity(projects, Duration.ofMinutes(5), 10_000, metrics, clock);
    }
}
