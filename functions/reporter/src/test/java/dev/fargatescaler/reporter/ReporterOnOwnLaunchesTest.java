package dev.fargatescaler.reporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.launch.JobLauncher;
import dev.fargatescaler.domain.launch.QueueMessage;
import dev.fargatescaler.domain.lifecycle.ReaperReason;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.report.PriceTable;
import dev.fargatescaler.domain.report.Relauncher;
import dev.fargatescaler.domain.report.TaskEventMemory;
import dev.fargatescaler.domain.report.TaskReporter;
import dev.fargatescaler.shared.aws.EcsTaskLauncher;
import dev.fargatescaler.testkit.MotoEcsFixture;
import dev.fargatescaler.testkit.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reporter on the task state our own launches produce. moto_server emits no EventBridge events, so the
 * test launches a task the way the scaler does (its {@link JobLauncher} and ECS adapter), reads the task back
 * with moto's raw DescribeTasks JSON (an ECS Task State Change event's {@code detail} is that same Task
 * object), wraps it in the EventBridge envelope and hands it to the reporter.
 */
class ReporterOnOwnLaunchesTest {

    private static MotoServer moto;
    private static MotoEcsFixture fixture;
    private static Environments environments;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        fixture = MotoEcsFixture.connect(moto.endpoint());
        fixture.freezeTaskStates();
        environments = EnvironmentParser.parseArray(
                "[" + fixture.provision("dev").environmentJson("[\"dev\"]", true, 10) + "]", "ENVIRONMENTS");
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    @Test
    void recognisesOurLaunchReadsItsAttemptAndClassifiesTheReapersStop() throws Exception {
        PendingJob job = new PendingJob(42, "platform/api", 3001, "unit-tests", "test", "main", 77L, null, null,
                null, null, Instant.now(), "42:3001:pending", 0, PendingJob.SOURCE_WEBHOOK).nextAttempt();
        GitLabApi gitlab = new GitLabApi() {
            @Override
            public Optional<GitLabJob> job(long projectId, long jobId) {
                return Optional.of(new GitLabJob(jobId, projectId, "pending", List.of("dev"), "main", "unit-tests",
                        77L, "platform/api"));
            }

            @Override
            public Page pendingJobs(long projectId, String cursor) {
                throw new UnsupportedOperationException();
            }
        };
        List<PendingJob> requeued = new ArrayList<>();
        JobLauncher launcher = new JobLauncher(environments, gitlab, new EcsTaskLauncher(fixture.ecs()),
                (receipt, delay) -> { }, requeued::add, new RecordingMetrics(), Clock.systemUTC(),
                new Backoff(new Random(1)), 7);
        launcher.process(List.of(new QueueMessage("m-1", "r-1", PendingJobCodec.toJson(job), 1)));
        String taskArn = fixture.ecs().listTasks(r -> r.cluster("glfs-dev").startedBy("glfs/dev/42/3001"))
                .taskArns().get(0);

        RecordingMetrics metrics = new RecordingMetrics();
        List<PendingJob> relaunched = new ArrayList<>();
        TaskReporter reporter = new TaskReporter(
                new Relauncher(gitlab, relaunched::add, metrics, 2, Clock.systemUTC()),
                report -> { }, metrics, new TaskEventMemory(100), PriceTable.DEFAULT,
                new dev.fargatescaler.domain.environment.Environments(java.util.List.of()), "x86_64");

        TaskReporter.Result running = reporter.handle(event(taskArn, 1));
        fixture.ecs().stopTask(r -> r.cluster("glfs-dev").task(taskArn)
                .reason(ReaperReason.stuck("PENDING", Duration.ofMinutes(11), Duration.ofMinutes(10))));
        TaskReporter.Result stopped = reporter.handle(event(taskArn, 2));

        assertThat(running.action()).as("our task, not foreign").isEqualTo("observed");
        assertThat(stopped.action()).isEqualTo("reported");
        assertThat(stopped.report().environment()).isEqualTo("dev");
        assertThat(stopped.report().jobId()).isEqualTo(3001);
        assertThat(stopped.report().attempt()).as("GLFS_ATTEMPT set by the scaler").isEqualTo(1);
        assertThat(stopped.report().fields()).containsEntry("outcome", "Reaped")
                .containsEntry("reason", "StuckBeforeRunning")
                .containsEntry("relaunch", "queued")
                // moto reports no task-level cpu/memory nor timestamps: the report leaves the cost out, not wrong
                .doesNotContainKeys("cost_usd", "start_latency_ms");
        assertThat(relaunched).singleElement().extracting(PendingJob::attempt).isEqualTo(2);
    }

    /** An EventBridge ECS Task State Change event whose detail is moto's own DescribeTasks JSON for the task. */
    private static JsonNode event(String taskArn, int version) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(moto.endpoint() + "/"))
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeTasks")
                .header("Content-Type", "application/x-amz-json-1.1")
                // moto routes by the credential scope's service; the signature itself is not checked.
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ecs/aws4_request, "
                        + "SignedHeaders=host, Signature=00")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"cluster\":\"glfs-dev\",\"tasks\":[\"" + taskArn + "\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        ObjectNode detail = (ObjectNode) Json.MAPPER.readTree(response.body()).get("tasks").get(0);
        detail.put("version", version);
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "0");
        event.put("id", "moto-" + version);
        event.put("detail-type", "ECS Task State Change");
        event.put("source", "aws.ecs");
        event.put("account", "123456789012");
        event.put("region", "us-east-1");
        event.putArray("resources").add(taskArn);
        event.set("detail", detail);
        return event;
    }
}
