package dev.fargatescaler.scaler;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.shared.aws.AwsTarget;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import dev.fargatescaler.testkit.ServiceRoutingHttpClient;
import dev.fargatescaler.testkit.fake.FakeEcs;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Catch-up always queues attempt 0, and RunTask's idempotency answers a token it has seen with the original
 * task, even a stopped one (FakeEcs encodes ECS's "Ensuring idempotency" rules). The scaler, wired by its
 * production wiring with ECS in-process ({@link FakeEcs}, honouring client tokens) and SQS on moto_server, must
 * start a new task for a job whose attempt-0 task already stopped, and two concurrent deliveries of that message
 * must still start exactly one.
 */
class SpentClientTokenTest {

    private static ScalerHarness harness;
    private FakeEcs ecs;

    private static final String ENVIRONMENTS = """
            [{"name":"dev","tags":["dev"],"cluster":"glfs-dev","taskDefinition":"glfs-dev-runner",
              "subnets":["subnet-0a1b2c3d"],"securityGroups":["sg-0a1b2c3d"],"maxConcurrentTasks":10}]""";

    @BeforeAll
    static void start() {
        harness = new ScalerHarness();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void freshEcs() {
        ecs = new FakeEcs(11, FakeEcs.Faults.NONE, true);
    }

    /** A new container of the scaler, as Lambda's no-arg constructor wires it. */
    private ScalerHandler container(RecordingMetrics metrics) {
        Map<String, String> env = harness.variables();
        env.put("ENVIRONMENTS", ENVIRONMENTS);
        return ScalerHandler.wiredBy(new FunctionWiring(env, AwsTarget.of(Map.of(
                "AWS_ENDPOINT_URL", harness.moto.endpoint(), "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing")),
                new ServiceRoutingHttpClient(ecs, UrlConnectionHttpClient.create()), Clock.systemUTC()), metrics);
    }

    private static String message(String id, long jobId, String source, Instant queuedAt) {
        String body = PendingJobCodec.toJson(new PendingJob(7, "group/app", jobId, "job", null, "main", 9L, null,
                null, null, null, queuedAt, "7:" + jobId + ":" + source, 0, source));
        return ScalerHarness.event(List.<String[]>of(new String[] {id, "receipt-" + id, body}));
    }

    private static void pendingInGitLab(long jobId) {
        harness.gitLab.stubFor(get("/api/v4/projects/7/jobs/" + jobId).willReturn(okJson("{\"id\":" + jobId
                + ",\"status\":\"pending\",\"ref\":\"main\",\"tag_list\":[\"dev\"],\"pipeline\":{\"id\":9}}")));
    }

    /** The job's first task: started by its webhook, then stopped without running it (the job stays pending). */
    private String firstTaskStopped(long jobId) throws Exception {
        pendingInGitLab(jobId);
        assertThat(ScalerHarness.invoke(container(new RecordingMetrics()),
                message("w" + jobId, jobId, PendingJob.SOURCE_WEBHOOK, Instant.now()))).isEmpty();
        FakeEcs.Task first = ecs.tasks().get(0);
        ecs.stop(first.arn);
        Thread.sleep(20);
        return first.arn;
    }

    @ParameterizedTest
    @EnumSource(FakeEcs.ReusedTokenAnswer.class)
    void aCatchUpForAJobWhoseAttemptZeroTaskStoppedStartsANewTask(FakeEcs.ReusedTokenAnswer answer) throws Exception {
        ecs.reusedTokenAnswer(answer);
        String first = firstTaskStopped(801);
        RecordingMetrics metrics = new RecordingMetrics();

        List<String> failed = ScalerHarness.invoke(container(metrics),
                message("c801", 801, PendingJob.SOURCE_CATCH_UP, Instant.now()));

        assertThat(failed).isEmpty();
        assertThat(ecs.tasks()).hasSize(2);
        FakeEcs.Task second = ecs.tasks().get(1);
        assertThat(second.arn).isNotEqualTo(first);
        assertThat(second.request.path("clientToken").asText()).isEqualTo("glfs-dev-7-801-1");
        assertThat(second.desiredStatus).isEqualTo("RUNNING");
        assertThat(metrics.sum("SpentClientToken")).isEqualTo(1);
        assertThat(metrics.sum("Launched")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(FakeEcs.ReusedTokenAnswer.class)
    void twoConcurrentDeliveriesOfThatCatchUpStillStartExactlyOneTask(FakeEcs.ReusedTokenAnswer answer)
            throws Exception {
        ecs.reusedTokenAnswer(answer);
        firstTaskStopped(802);
        String catchUp = message("c802", 802, PendingJob.SOURCE_CATCH_UP, Instant.now());
        List<ScalerHandler> containers = List.of(container(new RecordingMetrics()), container(new RecordingMetrics()));
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (ScalerHandler container : containers) {
                results.add(pool.submit(() -> {
                    together.await();
                    return ScalerHarness.invoke(container, catchUp);
                }));
            }
            for (Future<List<String>> result : results) {
                assertThat(result.get()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(ecs.tasks()).hasSize(2);
        assertThat(ecs.tasks().stream().filter(t -> "RUNNING".equals(t.desiredStatus))).singleElement()
                .satisfies(t -> assertThat(t.request.path("clientToken").asText()).isEqualTo("glfs-dev-7-802-1"));
    }
}
