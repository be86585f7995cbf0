package dev.fargatescaler.domain.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.Fixtures;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookIntakeTest {

    static final String TOKEN = "s3cret-webhook-token";
    static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

    /** A queue that keeps what it is given, or fails like an unreachable SQS. */
    static final class ListQueue implements JobQueue {
        final List<PendingJob> jobs = new ArrayList<>();
        boolean down;

        @Override
        public void enqueue(PendingJob job) {
            if (down) {
                throw new RetryableException("AwsUnreachable", "SendMessage failed: connection refused");
            }
            jobs.add(job);
        }
    }

    ListQueue queue;
    RecordingMetrics metrics;
    WebhookIntake intake;

    @BeforeEach
    void setUp() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        queue = new ListQueue();
        metrics = new RecordingMetrics();
        intake = new WebhookIntake(new WebhookAuthenticator(() -> TOKEN, null, clock), queue, metrics,
                new RecentDeliveries(100, Duration.ofMinutes(5), clock));
    }

    static Map<String, String> gitlabHeaders() {
        Map<String, String> headers = new HashMap<>();
        headers.put("x-gitlab-event", "Job Hook");
        headers.put("x-gitlab-token", TOKEN);
        headers.put("x-gitlab-instance", "https://gitlab.example.com");
        headers.put("x-gitlab-webhook-uuid", "6a8e4b5f-0000-4000-8000-000000000001");
        headers.put("idempotency-key", "f4a1c9a0-0000-4000-8000-000000000001");
        headers.put("content-type", "application/json");
        return headers;
    }

    WebhookResponse send(Map<String, String> headers, byte[] body) {
        return intake.handle(new WebhookRequest(headers, body, NOW));
    }

    WebhookResponse send(ObjectNode payload) {
        return send(gitlabHeaders(), Fixtures.bytes(payload));
    }

    @Test
    void aPendingJobIsQueuedWithEverythingTheScalerNeeds() {
        WebhookResponse response = send(Fixtures.json("job-pending.derived.json"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEqualTo("{\"status\":\"queued\",\"message\":\"job 1977 queued\"}");
        assertThat(queue.jobs).singleElement().satisfies(job -> {
            assertThat(job.jobId()).isEqualTo(1977);
            assertThat(job.projectId()).isEqualTo(380);
            assertThat(job.projectPath()).isEqualTo("gitlab-org/gitlab-test");
            assertThat(job.pipelineId()).isEqualTo(2366L);
            assertThat(job.instanceUrl()).isEqualTo("https://gitlab.example.com");
            assertThat(job.receivedAt()).isEqualTo(NOW);
            assertThat(job.dedupKey()).isEqualTo("f4a1c9a0-0000-4000-8000-000000000001");
            assertThat(job.source()).isEqualTo("webhook");
        });
        assertThat(metrics.sum("WebhookReceived")).isEqualTo(1);
        assertThat(metrics.sum("WebhookQueued")).isEqualTo(1);
    }

    @Test
    void withoutIdempotencyKeyTheDedupKeyIsProjectJobStatus() {
        Map<String, String> headers = gitlabHeaders();
        headers.remove("idempotency-key");

        send(headers, Fixtures.bytes(Fixtures.json("job-pending.derived.json")));

        assertThat(queue.jobs).singleElement().extracting(PendingJob::dedupKey).isEqualTo("380:1977:pending");
    }

    @ParameterizedTest
    @ValueSource(strings = {"created", "running", "success", "failed", "canceled", "skipped", "manual"})
    void otherStatusesAreIgnoredWith2xx(String status) {
        ObjectNode payload = Fixtures.json("job-pending.derived.json");
        payload.put("build_status", status);

        WebhookResponse response = send(payload);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.decision()).isEqualTo("ignored");
        assertThat(response.body()).contains("job status is " + status);
        assertThat(queue.jobs).isEmpty();
        assertThat(metrics.sum("WebhookIgnored", "Reason", "JobStatus")).isEqualTo(1);
    }

    @Test
    void realPayloadsOfEveryEraAreAcceptedOrIgnoredNeverRefused() {
        assertThat(send(Fixtures.json("job-created.gitlab-docs.json")).statusCode()).isEqualTo(200);
        assertThat(send(Fixtures.json("job-success.gitlab-com-2023.json")).statusCode()).isEqualTo(200);
        ObjectNode oldPending = Fixtures.json("job-success.gitlab-com-2023.json");
        oldPending.put("build_status", "pending");
        oldPending.remove("pipeline_id");
        assertThat(send(oldPending).statusCode()).isEqualTo(202);
        assertThat(queue.jobs).singleElement().extracting(PendingJob::jobId).isEqualTo(3580121225L);
    }

    @Test
    void otherEventTypesAreIgnored() {
        Map<String, String> headers = gitlabHeaders();
        headers.put("x-gitlab-event", "Push Hook");

        WebhookResponse response = send(headers, "{\"object_kind\":\"push\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.reason()).isEqualTo("EventType");
        assertThat(queue.jobs).isEmpty();
    }

    @Test
    void wrongAndMissingCredentialsGetTheSame401AndNothingIsParsed() {
        Map<String, String> wrong = gitlabHeaders();
        wrong.put("x-gitlab-token", "guess");
        Map<String, String> missing = gitlabHeaders();
        missing.remove("x-gitlab-token");

        WebhookResponse a = send(wrong, "not even json".getBytes(StandardCharsets.UTF_8));
        WebhookResponse b = send(missing, Fixtures.bytes(Fixtures.json("job-pending.derived.json")));

        assertThat(a.statusCode()).isEqualTo(401);
        assertThat(a.body()).isEqualTo(b.body()).isEqualTo("{\"status\":\"rejected\",\"message\":\"unauthorized\"}");
        assertThat(queue.jobs).isEmpty();
        assertThat(metrics.sum("WebhookUnauthorized", "Reason", "WrongToken")).isEqualTo(1);
        assertThat(metrics.sum("WebhookUnauthorized", "Reason", "MissingToken")).isEqualTo(1);
    }

    @Test
    void malformedBodiesGetA400WithAShortMessage() {
        assertThat(send(gitlabHeaders(), "{not json".getBytes(StandardCharsets.UTF_8)))
                .satisfies(r -> {
                    assertThat(r.statusCode()).isEqualTo(400);
                    assertThat(r.body()).isEqualTo("{\"status\":\"rejected\",\"message\":\"body is not valid JSON\"}");
                });
        assertThat(send(gitlabHeaders(), new byte[] {(byte) 0xC3, (byte) 0x28}).statusCode()).isEqualTo(400);
        assertThat(send(gitlabHeaders(), new byte[0]).statusCode()).isEqualTo(400);
        ObjectNode noJobId = Fixtures.json("job-pending.derived.json");
        noJobId.remove("build_id");
        assertThat(send(noJobId).body()).contains("missing required field build_id");
        ObjectNode wrongKind = Fixtures.json("job-pending.derived.json");
        wrongKind.put("object_kind", "pipeline");
        assertThat(send(wrongKind).statusCode()).isEqualTo(400);
        assertThat("{".repeat(200)).satisfies(deep ->
                assertThat(send(gitlabHeaders(), deep.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400));
        assertThat(queue.jobs).isEmpty();
        assertThat(metrics.sum("WebhookRejected")).isEqualTo(6);
    }

    @Test
    void oversizeBodiesGetA413() {
        byte[] big = new byte[WebhookIntake.MAX_BODY_BYTES + 1];
        assertThat(send(gitlabHeaders(), big).statusCode()).isEqualTo(413);
        assertThat(intake.oversizeBody().statusCode()).isEqualTo(413);
        assertThat(queue.jobs).isEmpty();
    }

    @Test
    void whenTheQueueIsDownGitLabGetsA503SoThatItRetries() {
        queue.down = true;

        WebhookResponse response = send(Fixtures.json("job-pending.derived.json"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).doesNotContain("connection refused");
        assertThat(metrics.sum("WebhookEnqueueFailed")).isEqualTo(1);

        // GitLab's retry of the same delivery goes through once the queue is back: it was not remembered.
        queue.down = false;
        assertThat(send(Fixtures.json("job-pending.derived.json")).statusCode()).isEqualTo(202);
        assertThat(queue.jobs).hasSize(1);
    }

    @Test
    void anImmediateRepeatOfTheSameDeliveryIsNotQueuedTwice() {
        assertThat(send(Fixtures.json("job-pending.derived.json")).statusCode()).isEqualTo(202);
        WebhookResponse again = send(Fixtures.json("job-pending.derived.json"));

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.reason()).isEqualTo("Duplicate");
        assertThat(queue.jobs).hasSize(1);
    }

    @Test
    void theDuplicateAnswerSaysWhichKeyMatchedForHowLongAndHowToSendAFreshDelivery() {
        send(Fixtures.json("job-pending.derived.json"));
        WebhookResponse again = send(Fixtures.json("job-pending.derived.json"));

        assertThat(again.body()).isEqualTo("{\"status\":\"ignored\",\"message\":\"delivery already queued: the same "
                + "Idempotency-Key was queued by this receiver within the last 5 min; send a new Idempotency-Key "
                + "for a fresh delivery\"}");
    }

    @Test
    void withoutAnIdempotencyKeyTheDuplicateAnswerNamesTheJobAndStatusThatMatched() {
        Map<String, String> headers = gitlabHeaders();
        headers.remove("idempotency-key");
        send(headers, Fixtures.bytes(Fixtures.json("job-pending.derived.json")));
        WebhookResponse again = send(headers, Fixtures.bytes(Fixtures.json("job-pending.derived.json")));

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("delivery already queued: the same project, job and status (no "
                + "Idempotency-Key) was queued by this receiver within the last 5 min; send an Idempotency-Key");
        assertThat(queue.jobs).hasSize(1);
    }

    @Test
    void theDuplicateAnswerNeverEchoesTheCallersKey() {
        Map<String, String> headers = gitlabHeaders();
        headers.put("idempotency-key", "k".repeat(5000));
        send(headers, Fixtures.bytes(Fixtures.json("job-pending.derived.json")));
        WebhookResponse again = send(headers, Fixtures.bytes(Fixtures.json("job-pending.derived.json")));

        assertThat(again.body()).doesNotContain("kkk").hasSizeLessThan(300);
    }

    @Test
    void aSecretStoreOutageIsA503NotA401() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        WebhookIntake failing = new WebhookIntake(new WebhookAuthenticator(() -> {
            throw new RetryableException("AwsUnreachable", "GetSecretValue failed");
        }, null, clock), queue, metrics, new RecentDeliveries(10, Duration.ofMinutes(5), clock));

        WebhookResponse response = failing.handle(new WebhookRequest(gitlabHeaders(),
                Fixtures.bytes(Fixtures.json("job-pending.derived.json")), NOW));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(queue.jobs).isEmpty();
    }
}
