package dev.fargatescaler.scaler;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static dev.fargatescaler.domain.launch.ScalerMetrics.ALREADY_LAUNCHED;
import static dev.fargatescaler.domain.launch.ScalerMetrics.LAUNCHED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.testkit.MotoEcsFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * At-least-once delivery made harmless: 200 pending jobs over three environments, each message delivered one
 * to three times, shuffled, in batches of 10 → exactly 200 tasks, each in its environment's cluster with its
 * task definition and network. moto does not honour clientToken, so this rests on the startedBy check.
 */
class DuplicateDeliveryTest {

    private static final int JOBS = 200;
    private static final String[] ENVIRONMENTS = {"dev", "staging", "production"};
    private static ScalerHarness harness;
    private static final Map<String, MotoEcsFixture.Provisioned> provisioned = new HashMap<>();

    @BeforeAll
    static void start() {
        harness = new ScalerHarness();
        for (String name : ENVIRONMENTS) {
            provisioned.put(name, harness.ecsFixture.provision(name));
        }
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static String environment(long jobId) {
        return ENVIRONMENTS[(int) (jobId % 3)];
    }

    @Test
    void twoHundredJobsDeliveredUpToThreeTimesInShuffledOrderStartExactlyTwoHundredTasks() throws Exception {
        String environmentsJson = "[" + String.join(",", provisioned.get("dev").environmentJson("[\"dev\"]", false, 1000),
                provisioned.get("staging").environmentJson("[\"staging\"]", false, 1000),
                provisioned.get("production").environmentJson("[\"production\"]", false, 1000)) + "]";
        Random random = new Random(20261128);
        List<String[]> deliveries = new ArrayList<>();
        for (long jobId = 1; jobId <= JOBS; jobId++) {
            long projectId = 100 + jobId % 7;
            harness.gitLab.stubFor(get("/api/v4/projects/" + projectId + "/jobs/" + jobId).willReturn(okJson(
                    "{\"id\":" + jobId + ",\"status\":\"pending\",\"ref\":\"main\",\"tag_list\":[\""
                            + environment(jobId) + "\"],\"pipeline\":{\"id\":9}}")));
            String body = PendingJobCodec.toJson(new PendingJob(projectId, "group/p" + projectId, jobId, "job",
                    "test", "main", 9L, null, 0, null, null, Instant.now(), projectId + ":" + jobId + ":pending",
                    0, PendingJob.SOURCE_WEBHOOK));
            int copies = 1 + random.nextInt(3);
            for (int copy = 0; copy < copies; copy++) {
                deliveries.add(new String[] {"m-" + jobId + "-" + copy, "r-" + jobId + "-" + copy, body});
            }
        }
        Collections.shuffle(deliveries, random);
        RecordingMetrics metrics = new RecordingMetrics();
        ScalerHandler handler = harness.handler(environmentsJson, metrics);

        for (int from = 0; from < deliveries.size(); from += 10) {
            List<String> failed = ScalerHarness.invoke(handler,
                    ScalerHarness.event(deliveries.subList(from, Math.min(deliveries.size(), from + 10))));
            assertThat(failed).isEmpty();
        }

        List<Task> all = new ArrayList<>();
        for (String name : ENVIRONMENTS) {
            MotoEcsFixture.Provisioned env = provisioned.get(name);
            List<Task> tasks = harness.ecsFixture.runningTasks(env.cluster());
            all.addAll(tasks);
            for (Task task : tasks) {
                assertThat(task.clusterArn()).isEqualTo(env.clusterArn());
                assertThat(task.taskDefinitionArn()).isEqualTo(env.taskDefinitionArn());
                assertThat(task.group()).isEqualTo("glfs:" + name);
                assertThat(task.startedBy()).startsWith("glfs/" + name + "/");
                long jobId = Long.parseLong(task.startedBy().substring(task.startedBy().lastIndexOf('/') + 1));
                assertThat(environment(jobId)).isEqualTo(name);
                assertThat(task.attachments().get(0).details()).anySatisfy(d -> {
                    assertThat(d.name()).isEqualTo("subnetId");
                    assertThat(env.subnets()).contains(d.value());
                });
            }
        }
        assertThat(all).hasSize(JOBS);
        assertThat(all.stream().map(Task::startedBy).distinct()).hasSize(JOBS);
        assertThat(metrics.sum(LAUNCHED)).isEqualTo(JOBS);
        assertThat(metrics.sum(ALREADY_LAUNCHED)).isEqualTo(deliveries.size() - JOBS);
        assertThat(deliveries.size()).isGreaterThan(JOBS + 100);
        // Network settings as configured: checked on the requests the SDK sent.
        assertThat(harness.ecsHttp.bodies().stream().filter(b -> b.contains("\"clientToken\"")))
                .hasSize(JOBS)
                .allSatisfy(b -> assertThat(b).contains("\"assignPublicIp\":\"DISABLED\"")
                        .containsAnyOf(provisioned.get("dev").securityGroups().get(0),
                                provisioned.get("staging").securityGroups().get(0),
                                provisioned.get("production").securityGroups().get(0)));
    }
}
