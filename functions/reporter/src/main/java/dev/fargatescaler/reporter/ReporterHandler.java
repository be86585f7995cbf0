package dev.fargatescaler.reporter;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.report.Relauncher;
import dev.fargatescaler.domain.report.TaskEventMemory;
import dev.fargatescaler.domain.report.TaskReporter;
import dev.fargatescaler.domain.webhook.CachingSecretSource;
import dev.fargatescaler.shared.aws.AwsClients;
import dev.fargatescaler.shared.aws.AwsSecretSource;
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
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Lambda entry point for EventBridge "ECS Task State Change" events (asynchronous invocation). Thin: it parses
 * the event with the process's one Jackson mapper, lets {@link TaskReporter} decide, and answers with a short
 * JSON summary (ignored by EventBridge, printed by local invokes).
 *
 * <p>Failures: a relaunch that cannot be queued throws, so that Lambda's asynchronous retries deliver the event
 * again (nothing was reported yet, see {@link TaskReporter}); everything else is logged and answered.
 */
public final class ReporterHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ReporterHandler.class);

    private final TaskReporter reporter;
    private final Metrics metrics;

    /** Used by Lambda: wires the real adapters once per container (and so into the SnapStart snapshot). */
    public ReporterHandler() {
        this(ReporterConfig.load(EnvReader.system()));
    }

    /**
     * The same wiring as Lambda's no-arg constructor, from the given variables instead of the process
     * environment: for local mode, which points the SDK at an emulator with {@code AWS_ENDPOINT_URL}.
     */
    public static ReporterHandler fromEnvironment(java.util.Map<String, String> environment) {
        return new ReporterHandler(ReporterConfig.load(new EnvReader(environment)));
    }

    private ReporterHandler(ReporterConfig config) {
        this(config, new EmfMetrics(config.metricsNamespace()));
    }

    private ReporterHandler(ReporterConfig config, Metrics metrics) {
        this(wire(config, metrics), metrics);
    }

    /** For tests and local mode: the domain service with its ports already wired. */
    public ReporterHandler(TaskReporter reporter, Metrics metrics) {
        this.reporter = Objects.requireNonNull(reporter);
        this.metrics = Objects.requireNonNull(metrics);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ObjectNode answer = LambdaLogging.withLogging(context, () -> handle(input));
        Json.MAPPER.writeValue(output, answer);
    }

    private ObjectNode handle(InputStream input) {
        try {
            JsonNode event;
            try {
                event = Json.MAPPER.readTree(input);
            } catch (IOException e) {
                LOG.warn("task event decision=ignored reason=MalformedEvent: not JSON");
                metrics.count("TaskEventsIgnored", "Reason", "MalformedEvent");
                return summary(new TaskReporter.Result(TaskReporter.Result.IGNORED, "MalformedEvent", null));
            }
            return summary(reporter.handle(event));
        } finally {
            metrics.flush();
        }
    }

    static ObjectNode summary(TaskReporter.Result result) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("action", result.action());
        node.put("reason", result.reason());
        if (result.report() != null) {
            node.set("report", Json.MAPPER.valueToTree(result.report().fields()));
        }
        return node;
    }

    private static TaskReporter wire(ReporterConfig config, Metrics metrics) {
        SqsClient sqs = AwsClients.build(SqsClient.builder(), RetryMode.STANDARD, Duration.ofSeconds(4));
        CachingSecretSource secrets = new CachingSecretSource(AwsSecretSource.create(), config.secretTtl(),
                Clock.systemUTC());
        GitLabHttpApi gitlab = new GitLabHttpApi(GitLabHttpApi.defaultHttpClient(), config.gitLab().url(),
                () -> secrets.secret(config.gitLab().tokenSecret()), config.gitLab().timeout(), Clock.systemUTC());
        Relauncher relauncher = new Relauncher(gitlab, new SqsJobQueue(sqs, config.queueUrl()), metrics,
                config.maxRelaunches(), Clock.systemUTC());
        Environments environments = config.environments() == null
                ? new Environments(List.of())
                : EnvironmentsLoader.load(config.environments(),
                        () -> AwsClients.build(SsmClient.builder(), RetryMode.STANDARD, Duration.ofSeconds(10)));
        return new TaskReporter(relauncher, new LoggedTaskReports(), metrics,
                new TaskEventMemory(config.memoryCapacity()), config.prices(), environments,
                config.defaultArchitecture());
    }
}
