package dev.fargatescaler.domain.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.Fixtures;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook tells the catch-up which projects are active: every authenticated Job Hook, throttled. */
class WebhookDiscoveryTest {

    private final List<String> written = new ArrayList<>();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final WebhookIntakeTest.ListQueue queue = new WebhookIntakeTest.ListQueue();
    private Instant now = WebhookIntakeTest.NOW;
    private RuntimeException writeFailure;
    private WebhookIntake intake;

    @BeforeEach
    void setUp() {
        java.time.Clock clock = new java.time.Clock() {
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now; }
        };
        ProjectSightings sightings = (projectId, at) -> {
            if (writeFailure != null) {
                throw writeFailure;
            }
            written.add(projectId + "@" + at);
        };
        intake = new WebhookIntake(new WebhookAuthenticator(() -> WebhookIntakeTest.TOKEN, null, clock), queue, metrics,
                new RecentDeliveries(100, Duration.ofMinutes(5), clock),
                new ProjectActivity(sightings, Duration.ofMinutes(5), 1000, metrics, clock));
    }

    private WebhookResponse send(String fixture, long projectId, Map<String, String> headers) {
        ObjectNode payload = Fixtures.json(fixture);
        payload.put("project_id", projectId);
        payload.put("build_id", System.nanoTime() % 1_000_000);
        return intake.handle(new WebhookRequest(headers, Fixtures.bytes(payload), now));
    }

    private WebhookResponse send(String fixture, long projectId) {
        Map<String, String> headers = WebhookIntakeTest.gitlabHeaders();
        headers.put("idempotency-key", "key-" + System.nanoTime());
        return send(fixture, projectId, headers);
    }

    @Test
    void everyAuthenticatedJobHookRecordsItsProjectWhateverTheStatus() {
        assertThat(send("job-created.gitlab-docs.json", 11).statusCode()).isEqualTo(200);
        assertThat(send("job-pending.derived.json", 12).statusCode()).isEqualTo(202);

        assertThat(written).containsExactly("11@" + now, "12@" + now);
    }

    @Test
    void aFailedQueueWriteStillRecordsTheProjectSoThatTheCatchUpFindsTheJob() {
        queue.down = true;

        assertThat(send("job-pending.derived.json", 13).statusCode()).isEqualTo(503);

        assertThat(written).containsExactly("13@" + now);
    }

    @Test
    void atMostOneWritePerProjectPerIntervalInAContainer() {
        send("job-created.gitlab-docs.json", 14);
        send("job-pending.derived.json", 14);
        now = now.plus(Duration.ofMinutes(4));
        send("job-pending.derived.json", 14);
        now = now.plus(Duration.ofMinutes(2));
        send("job-pending.derived.json", 14);

        assertThat(written).hasSize(2);
    }

    @Test
    void aFailedWriteNeverChangesTheAnswerIsCountedAndRetriedAfterAMinute() {
        writeFailure = new RetryableException("AwsUnavailable", "DynamoDB down");

        WebhookResponse response = send("job-pending.derived.json", 15);
        send("job-pending.derived.json", 15);
        writeFailure = null;
        now = now.plus(Duration.ofSeconds(61));
        send("job-pending.derived.json", 15);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(queue.jobs).hasSize(3);
        assertThat(metrics.sum(ProjectActivity.METRIC_NOT_RECORDED)).isEqualTo(1);
        assertThat(written).containsExactly("15@" + now);
    }

    @Test
    void anUnauthenticatedDeliveryRecordsNothing() {
        Map<String, String> headers = WebhookIntakeTest.gitlabHeaders();
        headers.put("x-gitlab-token", "wrong");

        assertThat(send("job-pending.derived.json", 16, headers).statusCode()).isEqualTo(401);

        assertThat(written).isEmpty();
    }
}
