package dev.fargatescaler.scaler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.launch.BatchResult;
import dev.fargatescaler.domain.launch.JobLauncher;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.webhook.CachingSecretSource;
import dev.fargatescaler.domain.webhook.SecretSource;
import dev.fargatescaler.shared.aws.AwsClients;
import dev.fargatescaler.shared.aws.AwsSecretSource;
import dev.fargatescaler.shared.aws.EcsTaskLauncher;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.shared.aws.SqsMessageVisibility;
import dev.fargatescaler.shared.config.EnvReader;
import dev.fargatescaler.shared.config.EnvironmentsLoader;
import dev.fargatescaler.shared.gitlab.GitLabHttpApi;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import dev.fargatescaler.shared.lambda.LambdaLogging;
import dev.fargatescaler.shared.lambda.SnapStartPriming;
import dev.fargatescaler.shared.lambda.SqsEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Lambda entry point for the job queue's SQS event source (with {@code ReportBatchItemFailures}). Thin by
 * design: it turns the SQS event into queue messages, lets {@link JobLauncher} decide, and answers with the
 * messages that must stay in the queue.
 */
public final class ScalerHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ScalerHandler.class);

    private final JobLauncher launcher;
    private final Metrics metrics;
    /** Strong reference: org.crac holds registered resources weakly. Null unless built by Lambda. */
    private SnapStartPriming priming;

    /** Used by Lambda: loads the configuration and wires the real adapters once per container. */
    public ScalerHandler() {
        this(wire(ScalerConfig.load(EnvReader.system())), true);
    }

    /**
     * The same wiring as Lambda's no-arg constructor, from the given variables instead of the process
     * environment: for local mode, which points the SDK at an emulator with {@code AWS_ENDPOINT_URL} or the
     * {@code aws.endpointUrl} system property.
     */
    public static ScalerHandler fromEnvironment(java.util.Map<String, String> environment) {
        return new ScalerHandler(wire(ScalerConfig.load(new EnvReader(environment))));
    }

    /** Wired from a configuration; tests and local mode pass clients that point at emulators. */
    ScalerHandler(Wiring wiring) {
        this(wiring, false);
    }

    private ScalerHandler(Wiring wiring, boolean snapStart) {
        this(wiring.launcher(), wiring.metrics());
        if (snapStart) {
            this.priming = SnapStartPriming.register("scaler", wiring.prime());
        }
    }

    /** For tests and local mode: the domain service with its ports already wired. */
    public ScalerHandler(JobLauncher launcher, Metrics metrics) {
        this.launcher = Objects.requireNonNull(launcher);
        this.metrics = Objects.requireNonNull(metrics);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        BatchResult result = LambdaLogging.withLogging(context, () -> {
            try {
                return launcher.process(SqsEvents.parse(event), () -> context == null
                        ? Duration.ofDays(1) : Duration.ofMillis(context.getRemainingTimeInMillis()));
            } finally {
                metrics.flush();
            }
        });
        if (!result.failedMessageIds().isEmpty()) {
            LOG.info("{} message(s) stay in the queue", result.failedMessageIds().size());
        }
        Json.MAPPER.writeValue(output, SqsEvents.batchResponse(result.failedMessageIds()));
    }

    /** The domain service, the metrics it writes to, and its SnapStart priming ({@link ScalerPriming}). */
    record Wiring(JobLauncher launcher, Metrics metrics, Runnable prime) {
    }

    /** Builds every client once: they end up in the SnapStart snapshot and are reused by every invocation. */
    static Wiring wire(ScalerConfig config) {
        return wire(config, EcsTaskLauncher.defaultClient(),
                AwsClients.build(SqsClient.builder(), RetryMode.STANDARD, Duration.ofSeconds(5)),
                () -> AwsClients.build(SsmClient.builder(), RetryMode.STANDARD, Duration.ofSeconds(10)),
                AwsSecretSource.create(), new EmfMetrics(config.metricsNamespace()));
    }

    static Wiring wire(ScalerConfig config, EcsClient ecs, SqsClient sqs, Supplier<SsmClient> ssm,
                       SecretSource secretStore, Metrics metrics) {
        Environments environments = EnvironmentsLoader.load(config.environments(), ssm);
        LOG.info("scaler configured with environments {}", environments.names());
        CachingSecretSource secrets = new CachingSecretSource(secretStore, config.secretTtl(), Clock.systemUTC());
        GitLabHttpApi gitLab = new GitLabHttpApi(GitLabHttpApi.defaultHttpClient(), config.gitLabUrl(),
                () -> secrets.secret(config.gitLabTokenSecret()), config.gitLabTimeout(), Clock.systemUTC());
        EcsTaskLauncher tasks = new EcsTaskLauncher(ecs);
        JobLauncher launcher = new JobLauncher(environments, gitLab, tasks,
                new SqsMessageVisibility(sqs, config.queueUrl()), new SqsJobQueue(sqs, config.queueUrl()),
                // SecureRandom, not a seeded PRNG: Lambda re-seeds it after a SnapStart restore, so restored
                // containers do not all jitter alike.
                metrics, Clock.systemUTC(), new Backoff(new SecureRandom()), config.requeueAtReceiveCount());
        Runnable prime = () -> ScalerPriming.prime(environments, tasks,
                metrics instanceof EmfMetrics emf ? emf : new EmfMetrics(config.metricsNamespace()), config.gitLabUrl());
        return new Wiring(launcher, metrics, prime);
    }
}
