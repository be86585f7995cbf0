package dev.fargatescaler.sweeper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.task.TaskNaming;
import dev.fargatescaler.shared.aws.AwsTarget;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import dev.fargatescaler.testkit.FaultInjectingHttpClient;
import dev.fargatescaler.testkit.MotoEcsFixture;
import dev.fargatescaler.testkit.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The warm-pool keeper through the sweeper's production wiring ({@code SweeperHandler.wiredBy}, the sweeper's
 * ECS client) against moto_server: the 1-minute schedule's input starts the pool as runner tasks with the idle
 * timeout, a second run in the same minute starts nothing, and the 5-minute sweep never starts a task.
 */
class WarmPoolKeeperHandlerTest {

    static MotoServer moto;
    static MotoEcsFixture fixture;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        fixture = MotoEcsFixture.connect(moto.endpoint());
        fixture.freezeTaskStates();
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    static JsonNode invoke(SweeperHandler handler, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    @Test
    void theKeepersScheduleStartsThePoolOnceAndTheSweepStartsNothing() throws Exception {
        MotoEcsFixture.Provisioned dev = fixture.provision("dev");
        String environments = "[" + dev.environmentJson("[\"fargate\",\"dev\"]", false, 5, """
                "warmPool":{"size":2,"idleTimeout":"PT10M","timeZone":"UTC",
                            "windows":[{"days":"MON-SUN","from":"00:00","to":"24:00"}]}""") + "]";
        FaultInjectingHttpClient http = new FaultInjectingHttpClient(UrlConnectionHttpClient.create());
        SweeperHandler handler = SweeperHandler.wiredBy(new FunctionWiring(Map.of("ENVIRONMENTS", environments),
                AwsTarget.of(Map.of("AWS_ENDPOINT_URL", moto.endpoint(), "AWS_REGION", "us-east-1",
                        "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing")), http,
                Clock.systemUTC()));
        String keep = "{\"action\": \"" + SweeperHandler.KEEP_WARM_POOLS + "\"}";

        JsonNode first = invoke(handler, keep);

        assertThat(first.at("/warmPools/dev/started").asInt()).isEqualTo(2);
        List<Task> tasks = fixture.runningTasks(dev.cluster());
        assertThat(tasks).hasSize(2).allSatisfy(task -> {
            assertThat(TaskNaming.isPoolTask(task.startedBy())).isTrue();
            assertThat(task.group()).isEqualTo("glfs:dev");
            assertThat(task.overrides().containerOverrides().get(0).environment())
                    .contains(KeyValuePair.builder().name("RUNNER_WAIT_TIMEOUT").value("600").build());
        });

        JsonNode second = invoke(handler, keep);
        assertThat(second.at("/warmPools/dev/decision").asText()).isEqualTo("Full");
        assertThat(second.at("/warmPools/dev/poolTasks").asInt()).isEqualTo(2);

        int runTasks = http.calls("RunTask");
        JsonNode sweep = invoke(handler, "{\"source\": \"aws.events\", \"detail-type\": \"Scheduled Event\"}");
        assertThat(sweep.at("/reaper/tasksSeen").asInt()).as("the sweep sees the pool tasks").isEqualTo(2);
        assertThat(sweep.at("/reaper/reaped").asInt()).as("idle pool tasks are not overdue").isZero();
        assertThat(http.calls("RunTask")).as("the sweep starts nothing").isEqualTo(runTasks).isEqualTo(2);
    }
}
