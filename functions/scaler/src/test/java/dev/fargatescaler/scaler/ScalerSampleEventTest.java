package dev.fargatescaler.scaler;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.fargatescaler.domain.launch.ScalerMetrics.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The sample event of {@code events/} through the fully wired scaler: what {@code bin/local invoke
 * ScalerFunction -e events/scaler-sqs-pending-jobs.json} does against moto_server and a stubbed GitLab.
 */
class ScalerSampleEventTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", "../.."));
    private static ScalerHarness harness;
    private static String environments;

    @BeforeAll
    static void start() throws Exception {
        harness = new ScalerHarness();
        environments = harness.ecsFixture.provisionSampleEnvironments();
        String mappings = Files.readString(ROOT.resolve("events/scaler-gitlab-jobs.wiremock.json"));
        HttpResponse<String> imported = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(harness.gitLab.baseUrl() + "/__admin/mappings/import"))
                .POST(HttpRequest.BodyPublishers.ofString(mappings)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(imported.statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void everyBodyButTheMalformedOneIsAValidQueueMessage() throws Exception {
        var event = Json.MAPPER.readTree(Files.readString(ROOT.resolve("events/scaler-sqs-pending-jobs.json")));
        int valid = 0;
        for (var record : event.get("Records")) {
            if (!record.get("messageId").textValue().endsWith("bad01")) {
                PendingJobCodec.fromJson(record.get("body").textValue());
                valid++;
            }
        }
        assertThat(valid).isEqualTo(7);
    }

    @Test
    void startsOneTaskPerRoutableJobAcknowledgesTheRestAndKeepsTheRetryableOne() throws Exception {
        String event = Files.readString(ROOT.resolve("events/scaler-sqs-pending-jobs.json"));
        RecordingMetrics metrics = new RecordingMetrics();
        ScalerHandler handler = harness.handler(environments, metrics);

        var failed = ScalerHarness.invoke(handler, event);

        assertThat(failed).containsExactly("0b7c8a4e-0000-4000-8000-000000001007");
        assertThat(jobsIn("glfs-dev")).containsExactly("glfs/dev/42/1001");
        assertThat(jobsIn("glfs-staging")).containsExactly("glfs/staging/42/1002");
        assertThat(jobsIn("glfs-production")).containsExactly("glfs/production/42/1003");
        assertThat(metrics.sum(LAUNCHED)).isEqualTo(3);
        assertThat(metrics.sum(UNROUTABLE)).isEqualTo(1);
        assertThat(metrics.sum(MALFORMED_MESSAGE)).isEqualTo(1);
        assertThat(metrics.sum(NO_LONGER_PENDING)).isEqualTo(1);
        assertThat(metrics.sum(REFUSED_BY_GUARD, ENVIRONMENT, "production")).isEqualTo(1);
        assertThat(metrics.sum(RETRYABLE_ERROR, REASON, "GitLabRateLimited")).isEqualTo(1);
        assertThat(metrics.sum(WEBHOOK_TO_RUN_TASK_LATENCY)).isPositive();
        harness.gitLab.verify(getRequestedFor(urlEqualTo("/api/v4/projects/42/jobs/1001"))
                .withHeader("PRIVATE-TOKEN", equalTo(ScalerHarness.GITLAB_TOKEN)));

        // The same event again (SQS delivers at least once): no second task for any job.
        RecordingMetrics again = new RecordingMetrics();
        var failedAgain = ScalerHarness.invoke(harness.handler(environments, again), event);

        assertThat(failedAgain).containsExactly("0b7c8a4e-0000-4000-8000-000000001007");
        assertThat(jobsIn("glfs-dev")).hasSize(1);
        assertThat(jobsIn("glfs-staging")).hasSize(1);
        assertThat(jobsIn("glfs-production")).hasSize(1);
        assertThat(again.sum(ALREADY_LAUNCHED)).isEqualTo(3);
        assertThat(again.sum(LAUNCHED)).isZero();
    }

    private static java.util.List<String> jobsIn(String cluster) {
        return harness.ecsFixture.runningTasks(cluster).stream().map(Task::startedBy).sorted().toList();
    }
}
