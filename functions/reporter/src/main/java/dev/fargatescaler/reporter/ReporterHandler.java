package dev.fargatescaler.reporter;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.report.Relauncher;
import dev.fargatescaler.domain.report.TaskEventMemory;
import dev.fargatescaler.domain.report.TaskReporter;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import dev.fargatescaler.shared.lambda.LambdaLogging;
import dev.fargatescaler.shared.lambda.SnapStartPriming;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /** Strong reference: org.crac holds registered resources weakly. Null unless built by Lambda. */
    private SnapStartPriming priming;

    /** Used by Lambda: wires the real adapters once per container (and so into the SnapStart snapshot). */
    public ReporterHandler() {
        this(FunctionWiring.lambda(), true);
    }

    /**
     * The same wiring as Lambda's no-arg constructor, from the given variables instead of the process
     * environment: for local mode, which points the SDK at an emulator with {@code AWS_ENDPOINT_URL}.
     */
    public static ReporterHandler fromEnvironment(java.util.Map<String, String> environment) {
        return wiredBy(FunctionWiring.of(environment));
    }

    /** Wired by {@code wiring} (tests and benchmarks), without SnapStart hooks. */
    public static ReporterHandler wiredBy(FunctionWiring wiring) {
        return new ReporterHandler(wiring, false);
    }

    private ReporterHandler(FunctionWiring wiring, boolean snapStart) {
        this(wiring, ReporterConfig.load(wiring.variables()), snapStart);
    }

    private ReporterHandler(FunctionWiring wiring, ReporterConfig config, boolean snapStart) {
        this(wiring, config, wiring.metrics(config.metricsNamespace()), snapStart);
    }

    private ReporterHandler(FunctionWiring wiring, ReporterConfig config, EmfMetrics metrics, boolean snapStart) {
        this(wire(config, wiring, metrics), metrics);
        if (snapStart) {
            this.priming = wiring.snapStart("reporter", () -> ReporterPriming.prime(metrics));
        }
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

    private static TaskReporter wire(ReporterConfig config, FunctionWiring wiring, Metrics metrics) {
        Relauncher relauncher = new Relauncher(wiring.gitLab(config.gitLab(), config.secretTtl()),
                wiring.jobQueue(config.queueUrl()), metrics, config.maxRelaunches(), wiring.clock());
        EnvironmentsProvider environments = config.environments() == null
                ? EnvironmentsProvider.fixed(new Environments(List.of()))
                : wiring.environments(config.environments(), metrics);
        return new TaskReporter(relauncher, new LoggedTaskReports(), metrics,
                new TaskEventMemory(config.memoryCapacity()), config.prices(), environments,
                config.defaultArchitecture());
    }
}
