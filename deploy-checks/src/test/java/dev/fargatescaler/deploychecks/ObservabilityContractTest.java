package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alarms name metrics and dimensions as plain strings; the functions emit them from Java
 * constants. A rename on either side would leave an empty widget or an alarm that never fires, silently. This
 * test fails instead: every custom metric and dimension that template.yaml uses must be a string literal in the
 * functions' main code.
 */
class ObservabilityContractTest {

    private static final Pattern SEARCH_SCHEMA = Pattern.compile("\\{\\$\\{MetricsNamespace},([A-Za-z,]+)}");
    private static final Pattern SEARCH_NAMES = Pattern.compile("MetricName=\\(?(\\\\?\"[A-Za-z]+\\\\?\"(?: OR \\\\?\"[A-Za-z]+\\\\?\")*)");
    private static final Pattern QUOTED = Pattern.compile("\"([A-Za-z]+)\"");
    /** A dimension value a SEARCH expression filters on, e.g. {@code Outcome=\"Idle\"}. */
    private static final Pattern DIMENSION_VALUE = Pattern.compile("(Environment|Reason|Outcome|Runner)=\\\\?\"([A-Za-z]+)\\\\?\"");

    private static final Map<String, Object> TEMPLATE = Templates.project("template.yaml");

    @Test
    void everyCustomMetricAndDimensionOnTheDashboardIsEmitted() {
        String body = String.valueOf(((Map<?, ?>) property("Dashboard", "DashboardBody"))
                .get("Fn::Sub"));
        Set<String> metrics = new LinkedHashSet<>();
        Set<String> dimensions = new LinkedHashSet<>();
        Matcher schema = SEARCH_SCHEMA.matcher(body);
        while (schema.find()) {
            dimensions.addAll(Set.of(schema.group(1).split(",")));
        }
        Matcher names = SEARCH_NAMES.matcher(body);
        while (names.find()) {
            Matcher q = QUOTED.matcher(names.group(1).replace("\\\"", "\""));
            while (q.find()) {
                metrics.add(q.group(1));
            }
        }
        metrics.addAll(listedMetrics(body));

        Set<String> dimensionValues = new LinkedHashSet<>();
        Matcher values = DIMENSION_VALUE.matcher(body);
        while (values.find()) {
            dimensionValues.add(values.group(2));
        }

        assertThat(metrics).as("metrics read from the dashboard").contains("Launched", "StartLatency",
                "EstimatedCost", "LaunchFailed", "TasksStopped", "WebhookQueued", "CatchUpSweepAge",
                "CatchUpProjects", "JobNotVisible", "CatchUpQueued", "JobQueueTime", "JobsStarted");
        assertThat(dimensions).containsExactlyInAnyOrder("Environment", "Reason", "Outcome", "Runner");
        assertThat(dimensionValues).as("outcomes the dashboard filters on (tasks that ran no job)")
                .contains("Idle", "RunnerRefused");
        assertThat(dimensionValues).as("runners the warm-share widget splits by").contains("Warm", "Fresh");
        assertThat(body).as("time to job widget: p50, p90 and p99 of the queue time")
                .contains("MetricName=\\\"JobQueueTime\\\"', 'p50'", "MetricName=\\\"JobQueueTime\\\"', 'p90'",
                        "MetricName=\\\"JobQueueTime\\\"', 'p99'");
        Set<String> emitted = literalsInFunctionCode();
        assertThat(metrics).allSatisfy(m -> assertThat(emitted).as("metric %s is emitted by some function", m).contains(m));
        assertThat(dimensions).allSatisfy(d -> assertThat(emitted).as("dimension %s is used by some function", d).contains(d));
        assertThat(dimensionValues).allSatisfy(v -> assertThat(emitted)
                .as("dimension value %s is emitted by some function (e.g. a TaskOutcome metric name)", v).contains(v));
    }

    @Test
    void everyCustomMetricAnAlarmWatchesIsEmitted() {
        Set<String> watched = new LinkedHashSet<>();
        for (Map.Entry<String, Object> resource : map(TEMPLATE.get("Resources")).entrySet()) {
            Map<String, Object> r = map(resource.getValue());
            if (!"AWS::CloudWatch::Alarm".equals(r.get("Type"))) {
                continue;
            }
            Map<String, Object> props = map(r.get("Properties"));
            if (Map.of("Ref", "MetricsNamespace").equals(props.get("Namespace"))) {
                watched.add(String.valueOf(props.get("MetricName")));
            }
            for (Object query : Intrinsics.elements(props.get("Metrics"))) {
                Map<String, Object> metric = map(map(map(query).get("MetricStat")).get("Metric"));
                if (Map.of("Ref", "MetricsNamespace").equals(metric.get("Namespace"))) {
                    watched.add(String.valueOf(metric.get("MetricName")));
                }
            }
        }

        assertThat(watched).contains("ScalerConfigurationError", "LaunchFailed", "Launched", "WebhookEnqueueFailed",
                "RunnerRefused", "CatchUpSweepAge", "CatchUpDiscoveryFailed", "JobNotVisible");
        assertThat(watched).isSubsetOf(literalsInFunctionCode());
    }

    /**
     * The metrics of our namespace that widgets list row by row ({@code ["ns", "Name", dims…]}), where {@code "."}
     * repeats the previous row's value (CloudWatch's dashboard body syntax).
     */
    private static Set<String> listedMetrics(String body) {
        String json = body.replace("${MetricsNamespace}", "OURS").replaceAll("\\$\\{[^}]+}", "0");
        Set<String> names = new LinkedHashSet<>();
        try {
            for (com.fasterxml.jackson.databind.JsonNode widget : new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(json).path("widgets")) {
                String namespace = null;
                String name = null;
                for (com.fasterxml.jackson.databind.JsonNode row : widget.path("properties").path("metrics")) {
                    if (!row.path(0).isTextual()) {
                        continue;
                    }
                    namespace = ".".equals(row.get(0).asText()) ? namespace : row.get(0).asText();
                    name = ".".equals(row.path(1).asText()) ? name : row.path(1).asText();
                    if ("OURS".equals(namespace)) {
                        names.add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** Every {@code "Word"} string literal in the functions' main Java sources. */
    private static Set<String> literalsInFunctionCode() {
        Set<String> literals = new LinkedHashSet<>();
        try (Stream<Path> files = Files.walk(Templates.root().resolve("functions"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/")).toList()) {
                Matcher m = QUOTED.matcher(Files.readString(file));
                while (m.find()) {
                    literals.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return literals;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** A resource property as written, intrinsic functions unresolved. */
    private static Object property(String resource, String property) {
        return map(map(map(TEMPLATE.get("Resources")).get(resource)).get("Properties")).get(property);
    }
}
