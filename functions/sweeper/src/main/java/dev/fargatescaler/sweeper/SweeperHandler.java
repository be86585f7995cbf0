package dev.fargatescaler.sweeper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.lifecycle.Budget;
import dev.fargatescaler.domain.lifecycle.CatchUp;
import dev.fargatescaler.domain.lifecycle.CatchUpProjects;
import dev.fargatescaler.domain.lifecycle.Reaper;
import dev.fargatescaler.domain.lifecycle.Sweeper;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.routing.Router;
import dev.fargatescaler.domain.webhook.CachingSecretSource;
import dev.fargatescaler.domain.webhook.JobQueue;
import dev.fargatescaler.shared.aws.AwsClients;
import dev.fargatescaler.shared.aws.AwsSecretSource;
import dev.fargatescaler.shared.aws.DynamoDbProjectRegistry;
import dev.fargatescaler.shared.aws.EcsClusterTasks;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.shared.config.EnvReader;
import dev.fargatescaler.shared.config.EnvironmentsLoader;
import dev.fargatescaler.shared.gitlab.GitLabHttpApi;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import dev.fargatescaler.shared.lambda.LambdaLogging;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Lambda entry point for the sweeper's EventBridge schedule. Thin: the event only says "now"; the handler gives
 * {@link Sweeper} a time budget from the invocation's remaining time and answers with a short JSON summary.
 */
public final class SweeperHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SweeperHandler.class);

    private final Sweeper sweeper;
    private final Metrics metrics;
    private final Duration timeReserve;

    /** Used by Lambda: loads the configuration and wires the real adapters once per container. */
    public SweeperHandler() {
        this(SweeperConfig.load(EnvReader.system()));
    }

    /**
     * The same wiring as Lambda's no-arg constructor, from the given variables instead of the process
     * environment: for local mode, which points the SDK at an emulator with {@code AWS_ENDPOINT_URL} (and can
     * make moto's tasks look old with testkit's {@code MotoTaskTimes}, {@code -Dglfs.moto.taskAge=PT4H}).
     */
    public static SweeperHandler fromEnvironment(java.util.Map<String, String> environment) {
        return new SweeperHandler(SweeperConfig.load(new EnvReader(environment)));
    }

    private SweeperHandler(SweeperConfig config) {
        this(config, new EmfMetrics(config.metricsNamespace()));
    }

    private SweeperHandler(SweeperConfig config, Metrics metrics) {
        this(wire(config, metrics), metrics, config.timeReserve());
    }

    /** For tests and local mode: the domain service with its ports already wired. */
    public SweeperHandler(Sweeper sweeper, Metrics metrics, Duration timeReserve) {
        this.sweeper = Objects.requireNonNull(sweeper);
        this.metrics = Objects.requireNonNull(metrics);
        this.timeReserve = Objects.requireNonNull(timeReserve);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        Budget budget = context == null
                ? Budget.UNLIMITED
                : () -> context.getRemainingTimeInMillis() < timeReserve.toMillis();
        Sweeper.Result result = LambdaLogging.withLogging(context, () -> {
            try {
                LOG.info("sweep started by {} at {}", event == null ? null : event.path("source").asText(null),
                        event == null ? null : event.path("time").asText(null));
                return sweeper.run(budget);
            } finally {
                metrics.flush();
            }
        });
        Json.MAPPER.writeValue(output, summary(result));
    }

    static ObjectNode summary(Sweeper.Result result) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        ObjectNode reaper = node.putObject("reaper");
        reaper.put("tasksSeen", result.reaper().tasksSeen());
        reaper.put("reaped", result.reaper().reaped());
        reaper.putPOJO("unknownEnvironments", result.reaper().unknown().stream().sorted().toList());
        ObjectNode catchUp = node.putObject("catchUp");
        catchUp.put("pages", result.catchUp().pages());
        catchUp.put("pendingSeen", result.catchUp().pendingSeen());
        catchUp.put("queued", result.catchUp().queued());
        catchUp.put("alreadyRunning", result.catchUp().alreadyRunning());
        catchUp.put("skipped", result.catchUp().skipped());
        catchUp.put("notVisible", result.catchUp().notVisible());
        catchUp.put("stoppedBy", result.catchUp().stoppedBy());
        catchUp.put("projects", result.catchUpProjects());
        catchUp.put("sweepAgeSeconds", result.sweepAgeSeconds());
        return node;
    }

    private static Sweeper wire(SweeperConfig config, Metrics metrics) {
        Environments environments = EnvironmentsLoader.load(config.environments(),
                () -> AwsClients.build(SsmClient.builder(), RetryMode.STANDARD, Duration.ofSeconds(10)));
        LOG.info("sweeper configured with environments {}, catch-up discovery {} and {} listed project(s)",
                environments.names(), config.projectsTable() == null ? "off" : "on (" + config.projectsTable() + ")",
                config.projectIds().size());
        // Standard (not adaptive) retries: the sweeper makes few calls, and must not wait on a client-side limiter.
        EcsClient ecs = AwsClients.build(EcsClient.builder(), RetryMode.STANDARD, Duration.ofSeconds(20));
        Reaper reaper = new Reaper(new EcsClusterTasks(ecs), metrics, Clock.systemUTC());
        GitLabApi gitlab = NO_GITLAB;
        JobQueue queue = job -> {
            throw new IllegalStateException("catch-up is off: no queue configured");
        };
        if (config.catchUpEnabled()) {
            CachingSecretSource secrets = new CachingSecretSource(AwsSecretSource.create(), config.secretTtl(),
                    Clock.systemUTC());
            gitlab = new GitLabHttpApi(GitLabHttpApi.defaultHttpClient(), config.gitLab().url(),
                    () -> secrets.secret(config.gitLab().tokenSecret()), config.gitLab().timeout(),
                    Clock.systemUTC());
            SqsClient sqs = AwsClients.build(SqsClient.builder(), RetryMode.STANDARD, Duration.ofSeconds(5));
            queue = new SqsJobQueue(sqs, config.queueUrl());
        }
        CatchUp catchUp = new CatchUp(gitlab, queue, new Router(environments), metrics, Clock.systemUTC());
        return new Sweeper(environments, reaper, catchUp, catchUpProjects(config, metrics),
                new CatchUp.Limits(config.maxPages(), config.maxJobs(), config.maxPagesPerProject()));
    }

    /** The listed projects and, when the table is configured, those the webhook has seen. */
    static CatchUpProjects catchUpProjects(SweeperConfig config, Metrics metrics) {
        DynamoDbProjectRegistry registry = null;
        if (config.projectsTable() != null) {
            DynamoDbClient dynamo = AwsClients.build(DynamoDbClient.builder(), RetryMode.STANDARD,
                    Duration.ofSeconds(10));
            registry = new DynamoDbProjectRegistry(dynamo, config.projectsTable(),
                    SweeperConfig.MAX_DISCOVERED_PROJECTS);
        }
        return new CatchUpProjects(config.projectIds(), registry, config.activeWindow(), metrics, Clock.systemUTC());
    }

    /** Stands in for GitLab when the catch-up is off: it then never calls it. */
    private static final GitLabApi NO_GITLAB = new GitLabApi() {
        @Override
        public Optional<GitLabJob> job(long projectId, long jobId) {
            throw new IllegalStateException("catch-up is off: no GitLab configured");
        }

        @Override
        public Page pendingJobs(long projectId, String cursor) {
            throw new IllegalStateException("catch-up is off: no GitLab configured");
        }
    };
}
