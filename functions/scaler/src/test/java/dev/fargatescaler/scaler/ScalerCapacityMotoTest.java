package dev.fargatescaler.scaler;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static dev.fargatescaler.domain.launch.ScalerMetrics.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.testkit.FaultInjectingHttpClient;
import dev.fargatescaler.testkit.MotoEcsFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Capacity limits, deferral with ChangeMessageVisibility, re-queueing and Spot fallback, through real SQS/ECS. */
class ScalerCapacityMotoTest {

    private static ScalerHarness harness;
    private static MotoEcsFixture.Provisioned small;
    private static MotoEcsFixture.Provisioned spot;
    private static MotoEcsFixture.Provisioned tiny;
    private static String environments;

    @BeforeAll
    static void start() {
        harness = new ScalerHarness();
        small = harness.ecsFixture.provision("small");
        spot = harness.ecsFixture.provision("spot");
        tiny = harness.ecsFixture.provision("tiny");
        environments = "[" + small.environmentJson("[\"small\"]", false, 2) + ","
                + tiny.environmentJson("[\"tiny\"]", false, 1) + ","
                + spot.environmentJson("[\"spot\"]", false, 10,
                "\"launchMode\":{\"type\":\"FARGATE_SPOT\",\"spotFallbackToOnDemand\":true}") + "]";
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void clear() {
        harness.ecsHttp.clear();
        harness.sqs.purgeQueue(r -> r.queueUrl(harness.queueUrl));
    }

    private static String pending(long projectId, long jobId, String tag) {
        harness.gitLab.stubFor(get("/api/v4/projects/" + projectId + "/jobs/" + jobId).willReturn(okJson(
                "{\"id\":" + jobId + ",\"status\":\"pending\",\"ref\":\"main\",\"tag_list\":[\"" + tag + "\"]}")));
        return PendingJobCodec.toJson(new PendingJob(projectId, "g/p", jobId, "job", "test", "main", 1L, null, 0,
                null, null, Instant.now(), projectId + ":" + jobId, 0, PendingJob.SOURCE_WEBHOOK));
    }

    /** Receives with visibility 0, so that only the scaler's own visibility change can hide a message. */
    private static List<Message> receiveAll() {
        List<Message> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.addAll(harness.sqs.receiveMessage(r -> r.queueUrl(harness.queueUrl).maxNumberOfMessages(10)
                    .visibilityTimeout(0).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages());
            if (!all.isEmpty()) {
                break;
            }
        }
        return all;
    }

    @Test
    void atTheLimitMessagesAreDeferredWithVisibilityAndReportedAsBatchItemFailures() throws Exception {
        for (long job = 1; job <= 4; job++) {
            String body = pending(1, job, "small");
            harness.sqs.sendMessage(r -> r.queueUrl(harness.queueUrl).messageBody(body));
        }
        List<Message> received = new ArrayList<>();
        while (received.size() < 4) {
            received.addAll(receiveAll());
        }
        List<String[]> records = new ArrayList<>();
        for (Message m : received) {
            records.add(new String[] {m.messageId(), m.receiptHandle(), m.body()});
        }
        RecordingMetrics metrics = new RecordingMetrics();

        List<String> failed = ScalerHarness.invoke(harness.handler(environments, metrics),
                ScalerHarness.event(records));

        assertThat(harness.ecsFixture.runningTasks(small.cluster())).hasSize(2);
        assertThat(failed).hasSize(2);
        assertThat(metrics.sum(DEFERRED_FOR_CAPACITY, ENVIRONMENT, "small")).isEqualTo(2);
        assertThat(metrics.sum(LAUNCH_FAILED)).isZero();
        // The deferred ones are hidden for their backoff; the two acknowledged ones (Lambda would delete them)
        // are still visible here because the test, not Lambda, received them.
        List<String> visible = receiveAll().stream().map(Message::messageId).toList();
        assertThat(visible).hasSize(2).doesNotContainAnyElementsOf(failed);
    }

    @Test
    void aJobDeferredManyTimesIsQueuedAfreshInsteadOfReachingTheDeadLetterQueue() throws Exception {
        String first = pending(2, 10, "tiny");
        ScalerHarness.invoke(harness.handler(environments, new RecordingMetrics()), ScalerHarness.event(
                List.<String[]>of(new String[] {"a", "ra", first})));
        assertThat(harness.ecsFixture.runningTasks(tiny.cluster())).hasSize(1);
        String third = pending(2, 12, "tiny");
        RecordingMetrics metrics = new RecordingMetrics();

        List<String> failed = ScalerHarness.invoke(harness.handler(environments, metrics),
                ScalerHarness.event(List.<String[]>of(new String[] {"c", "rc", third, "7"})));

        assertThat(failed).isEmpty();
        assertThat(metrics.sum(REQUEUED)).isEqualTo(1);
        List<Message> queued = receiveAll();
        assertThat(queued).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo(third));
    }

    @Test
    void spotWithoutCapacityFallsBackToOnDemandFargate() throws Exception {
        harness.ecsHttp.answer("RunTask", body -> body.contains("capacityProviderStrategy"), 1, 200,
                "{\"tasks\":[],\"failures\":[{\"reason\":\"Capacity is unavailable at this time. Please try "
                        + "again later or in a different availability zone\"}]}");
        RecordingMetrics metrics = new RecordingMetrics();

        List<String> failed = ScalerHarness.invoke(harness.handler(environments, metrics), ScalerHarness.event(
                List.<String[]>of(new String[] {"s", "rs", pending(3, 30, "spot")})));

        assertThat(failed).isEmpty();
        assertThat(metrics.sum(SPOT_FALLBACK, ENVIRONMENT, "spot")).isEqualTo(1);
        List<Task> tasks = harness.ecsFixture.runningTasks(spot.cluster());
        assertThat(tasks).singleElement().satisfies(t -> {
            assertThat(t.startedBy()).isEqualTo("glfs/spot/3/30");
            assertThat(t.launchTypeAsString()).isEqualTo("FARGATE");
        });
    }

    @Test
    void throttlingBeyondTheSdkRetriesReturnsTheMessage() throws Exception {
        harness.ecsHttp.answer("RunTask", body -> true, 100, 400, FaultInjectingHttpClient.throttling());
        RecordingMetrics metrics = new RecordingMetrics();

        long start = System.nanoTime();
        List<String> failed = ScalerHarness.invoke(harness.handler(environments, metrics), ScalerHarness.event(
                List.<String[]>of(new String[] {"t", "rt", pending(3, 31, "spot")})));
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - start);

        assertThat(failed).containsExactly("t");
        // The shipped ECS client (ClientSettings.ECS_LAUNCHES) backs off from throttling until its 20 s call budget
        // is spent, then the launch is a retryable error: the message stays in the queue.
        assertThat(metrics.sum(RETRYABLE_ERROR, REASON, "Throttling") + metrics.sum(RETRYABLE_ERROR, REASON,
                "AwsCallTimeout")).isEqualTo(1);
        assertThat(harness.ecsHttp.calls("RunTask")).isGreaterThan(3);
        assertThat(took).isLessThan(java.time.Duration.ofSeconds(25));
    }
}
