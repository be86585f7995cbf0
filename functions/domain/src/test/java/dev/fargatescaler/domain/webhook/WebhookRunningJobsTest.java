package dev.fargatescaler.domain.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.Fixtures;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.environment.TestEnvironments;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.timetojob.QueueTimes;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The webhook measures running jobs without changing a single answer or writing to the queue. */
class WebhookRunningJobsTest {

    final RecordingMetrics metrics = new RecordingMetrics();
    final WebhookIntakeTest.ListQueue queue = new WebhookIntakeTest.ListQueue();

    WebhookIntake intake(RunningJobs runningJobs) {
        Clock clock = Clock.fixed(WebhookIntakeTest.NOW, ZoneOffset.UTC);
        return new WebhookIntake(new WebhookAuthenticator(() -> WebhookIntakeTest.TOKEN, null, clock), queue,
                metrics, new RecentDeliveries(100, Duration.ofMinutes(5), clock), ProjectActivity.OFF, runningJobs);
    }

    WebhookResponse send(WebhookIntake intake, String fixture) {
        return intake.handle(new WebhookRequest(WebhookIntakeTest.gitlabHeaders(),
                Fixtures.bytes(Fixtures.json(fixture)), WebhookIntakeTest.NOW));
    }

    @Test
    void aRunningHookIsIgnoredAsBeforeAndItsQueueTimeRecorded() {
        WebhookIntake intake = intake(new QueueTimes(
                EnvironmentsProvider.fixed(TestEnvironments.devStagingProduction()), metrics));

        WebhookResponse response = send(intake, "job-running.derived.json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .isEqualTo("{\"status\":\"ignored\",\"message\":\"job status is running, only pending jobs are queued\"}");
        assertThat(queue.jobs).isEmpty();
        assertThat(metrics.sum("JobQueueTime", "Environment", "dev")).isEqualTo(31_420);
    }

    @Test
    void onlyRunningHooksAreMeasured() {
        List<JsonNode> seen = new ArrayList<>();
        WebhookIntake intake = intake(seen::add);

        send(intake, "job-pending.derived.json");
        send(intake, "job-success.gitlab-com-2023.json");
        send(intake, "job-created.gitlab-docs.json");
        send(intake, "job-running.derived.json");

        assertThat(seen).singleElement().satisfies(h -> assertThat(h.path("build_status").asText())
                .isEqualTo("running"));
    }

    @Test
    void aFailingMeasurementDoesNotChangeTheAnswer() {
        WebhookIntake intake = intake(hook -> {
            throw new IllegalStateException("boom");
        });

        WebhookResponse response = send(intake, "job-running.derived.json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"ignored\"");
        assertThat(metrics.sum("WebhookIgnored", "Reason", "JobStatus")).isEqualTo(1);
    }
}
