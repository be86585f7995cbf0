package dev.fargatescaler.domain.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * ECS events that lack fields, carry them with the wrong type or hold nonsense are reported, observed or
 * ignored, never crash the reporter, and never produce a negative duration or cost.
 */
class TaskReporterPropertiesTest {

    private static final String[] EVENTS = {"running", "deprovisioning", "stopped-success", "stopped-exit-nonzero",
            "stopped-cannot-pull", "stopped-resource-initialization", "stopped-spot-interruption",
            "stopped-termination-notice", "stopped-reaped", "foreign-stopped"};
    private static final String[] FIELDS = {"taskArn", "version", "lastStatus", "stopCode", "stoppedReason",
            "startedBy", "group", "cpu", "memory", "capacityProviderName", "attributes", "containers", "overrides",
            "createdAt", "pullStartedAt", "pullStoppedAt", "startedAt", "executionStoppedAt", "stoppedAt",
            "clusterArn", "taskDefinitionArn"};

    @Property(tries = 1000)
    void mutatedEventsAreHandledCleanly(@ForAll("mutations") ObjectNode event) {
        RecordingMetrics metrics = new RecordingMetrics();
        GitLabApi gitlab = new GitLabApi() {
            @Override
            public Optional<GitLabJob> job(long projectId, long jobId) {
                return Optional.of(new GitLabJob(jobId, projectId, "pending", List.of(), "main", "j", null));
            }

            @Override
            public Page pendingJobs(long projectId, String cursor) {
                throw new UnsupportedOperationException();
            }
        };
        TaskReporter reporter = new TaskReporter(new Relauncher(gitlab, job -> { }, metrics, 2, Clock.systemUTC()),
                report -> { }, metrics, new TaskEventMemory(10), PriceTable.DEFAULT, new Environments(List.of()),
                "x86_64");

        TaskReporter.Result result = reporter.handle(event);

        assertThat(Set.of("reported", "observed", "ignored")).contains(result.action());
        if (result.report() != null) {
            TaskDurations d = result.report().durations();
            for (Duration duration : new Duration[] {d.provisioning(), d.imagePull(), d.startLatency(), d.run()}) {
                assertThat(duration == null || !duration.isNegative()).isTrue();
            }
            Double usd = result.report().cost().usd();
            assertThat(usd == null || usd >= 0).isTrue();
            assertThat(result.report().fields()).containsKeys("environment", "task_id", "outcome", "relaunch");
        }
    }

    @Provide
    Arbitrary<ObjectNode> mutations() {
        Arbitrary<JsonNode> values = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(s -> Json.MAPPER.getNodeFactory().textNode(s)),
                Arbitraries.of("STOPPED", "RUNNING", "TaskFailedToStart", "SpotInterruption", "glfs/dev/1/2",
                        "glfs:dev", "FARGATE_SPOT", "2020-01-23T17:57:34.402Z", "2099-01-01T00:00:00Z", "-1",
                        "0.25 vCPU", "glfs-reaper: x").map(s -> Json.MAPPER.getNodeFactory().textNode(s)),
                Arbitraries.longs().map(l -> Json.MAPPER.getNodeFactory().numberNode(l)),
                Arbitraries.doubles().map(v -> Json.MAPPER.getNodeFactory().numberNode(v)),
                Arbitraries.of(Json.MAPPER.getNodeFactory().nullNode(), Json.MAPPER.getNodeFactory().booleanNode(true),
                        Json.MAPPER.createArrayNode().add(1).add("x"), Json.MAPPER.createObjectNode()));
        return Arbitraries.of(EVENTS).flatMap(name -> Arbitraries.of(FIELDS).list().ofMaxSize(6).flatMap(fields ->
                values.list().ofSize(fields.size()).map(vals -> {
                    ObjectNode event = SampleEvents.reporter(name);
                    ObjectNode detail = SampleEvents.detail(event);
                    for (int i = 0; i < fields.size(); i++) {
                        if (vals.get(i).isNull() && i % 2 == 0) {
                            detail.remove(fields.get(i));
                        } else {
                            detail.set(fields.get(i), vals.get(i));
                        }
                    }
                    return event;
                })));
    }
}
