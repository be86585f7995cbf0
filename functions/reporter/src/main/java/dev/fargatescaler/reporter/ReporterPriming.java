package dev.fargatescaler.reporter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.report.OutcomeClassifier;
import dev.fargatescaler.domain.report.TaskDurations;
import dev.fargatescaler.domain.report.TaskStateChange;
import dev.fargatescaler.domain.report.TaskStateChangeParser;
import dev.fargatescaler.shared.aws.AwsClients;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * What the reporter warms before its SnapStart snapshot, without side effects: a bundled sample ECS Task State
 * Change (a task that stopped after a successful job, {@code priming/task-state-change.json}, zero task id)
 * parsed, classified and timed, and the answer written; one EMF document serialised in memory; the JDK's HTTP
 * connection classes loaded. It does not go through TaskReporter, whose dedup memory, report log, metrics and
 * relaunches are effects.
 */
final class ReporterPriming {

    private ReporterPriming() {
    }

    static void prime(EmfMetrics metrics) {
        try (InputStream in = ReporterPriming.class.getResourceAsStream("/priming/task-state-change.json")) {
            if (in == null) {
                throw new IllegalStateException("priming/task-state-change.json is missing from the artifact");
            }
            JsonNode event = Json.MAPPER.readTree(in);
            TaskStateChange task = TaskStateChangeParser.parse(event);
            OutcomeClassifier.classify(task);
            TaskDurations.of(task);
            TaskDurations.billed(task);
            Json.MAPPER.writeValueAsBytes(event.path("detail"));
            metrics.prime();
            AwsClients.primeHttp();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
