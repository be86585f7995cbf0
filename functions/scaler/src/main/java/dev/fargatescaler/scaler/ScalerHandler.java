package dev.fargatescaler.scaler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.launch.BatchResult;
import dev.fargatescaler.domain.launch.JobLauncher;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.shared.aws.EcsTaskLauncher;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import dev.fargatescaler.shared.lambda.LambdaLogging;
import dev.fargatescaler.shared.lambda.SnapStartPriming;
import dev.fargatescaler.shared.lambda.SqsEvents;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        this(FunctionWiring.lambda(), true);
    }

    /**
     * The same wiring as Lambda's no-arg constructor, from the given variables instead of the process
     * environment: for local mode, which points the SDK at an emulator with {@code AWS_ENDPOINT_URL} (among the
     * variables, or in the process environment) or the {@code aws.endpointUrl} system property.
     */
    public static ScalerHandler fromEnvironment(java.util.Map<String, String> environment) {
        return wiredBy(FunctionWiring.of(environment));
    }

    /** Wired by {@code wiring} (tests and benchmarks pass one with a fake HTTP client), without SnapStart hooks. */
    public static ScalerHandler wiredBy(FunctionWiring wiring) {
        return new ScalerHandler(wiring, false);
    }

    /** As {@link #wiredBy(FunctionWiring)}, recording metrics into {@code metrics} instead of EMF. */
    public static ScalerHandler wiredBy(FunctionWiring wiring, Metrics metrics) {
        return new ScalerHandler(wire(ScalerConfig.load(wiring.variables()), wiring, metrics), null);
    }

    private ScalerHandler(FunctionWiring wiring, boolean snapStart) {
        this(wire(wiring), snapStart ? wiring : null);
    }

    private ScalerHandler(Wiring wiring, FunctionWiring snapStart) {
        this(wiring.launcher(), wiring.metrics());
        if (snapStart != null) {
            this.priming = snapStart.snapStart("scaler", wiring.prime());
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

    private static Wiring wire(FunctionWiring wiring) {
        ScalerConfig config = ScalerConfig.load(wiring.variables());
        return wire(config, wiring, wiring.metrics(config.metricsNamespace()));
    }

    /** Builds every client once: they end up in the SnapStart snapshot and are reused by every invocation. */
    static Wiring wire(ScalerConfig config, FunctionWiring wiring, Metrics metrics) {
        EnvironmentsProvider environments = wiring.environments(config.environments(), metrics);
        EcsTaskLauncher tasks = wiring.ecsTasks();
        JobLauncher launcher = new JobLauncher(environments, wiring.gitLab(config.gitLab(), config.secretTtl()),
                tasks, wiring.messageVisibility(config.queueUrl()), wiring.jobQueue(config.queueUrl()),
                // SecureRandom (NativePRNG on Linux mixes /dev/urandom into every draw), not a seeded PRNG, so that
                // containers restored from one SnapStart snapshot do not all jitter alike (docs/architecture.md).
                metrics, wiring.clock(), new Backoff(new SecureRandom()), config.requeueAtReceiveCount());
        Runnable prime = () -> ScalerPriming.prime(environments.current(), tasks,
                metrics instanceof EmfMetrics emf ? emf : new EmfMetrics(config.metricsNamespace()), config.gitLabUrl());
        return new Wiring(launcher, metrics, prime);
    }
}
