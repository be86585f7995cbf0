package dev.fargatescaler.local.fargate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FargateSimulationTest {

    static final String ACCOUNT = "123456789012";
    static final String CLUSTER = "arn:aws:ecs:eu-west-1:" + ACCOUNT + ":cluster/glfs-dev";
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));
    final List<String> stopped = new ArrayList<>();
    final SimulatedTaskTest.Jobs jobs = new SimulatedTaskTest.Jobs();

    final FargateSimulation.Emulator emulator = new FargateSimulation.Emulator() {
        @Override
        public void stopTask(String clusterArn, String taskArn, String reason) {
            stopped.add(taskArn + "|" + reason);
        }

        @Override
        public Optional<Duration> waitTimeout(String clusterArn, String taskDefinitionArn) {
            return Optional.of(Duration.ofSeconds(120));
        }
    };

    private FargateSimulation simulation() throws Exception {
        Environment dev = EnvironmentParser.parseArray("""
                [{"name": "dev", "tags": ["fargate", "dev"], "cluster": "glfs-dev",
                  "taskDefinition": "glfs-dev-runner", "containerName": "runner", "subnets": ["subnet-0a1b2c3d"],
                  "securityGroups": ["sg-0a1b2c3d"], "maxConcurrentTasks": 5,
                  "sizeClasses": [{"name": "large", "tags": ["dev-large"], "cpu": 4096, "memoryMiB": 16384,
                                   "tokenSlot": 1}]}]""", "test").all().get(0);
        Map<Environment, String> accounts = new LinkedHashMap<>();
        accounts.put(dev, ACCOUNT);
        return new FargateSimulation(new RunnerModel(Duration.ofSeconds(30), Duration.ofSeconds(3),
                Duration.ofSeconds(1), Duration.ofSeconds(10)), jobs, new RunnerDirectory(accounts), emulator, clock);
    }

    /** A RunTask answer as moto 5.2.1 gives it: RUNNING at once, container exit code 0 (moto/ecs/models.py). */
    private static byte[] runTaskAnswer(String id, String cluster, String startedBy, Map<String, String> env)
            throws Exception {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode task = root.putArray("tasks").addObject();
        task.put("taskArn", "arn:aws:ecs:eu-west-1:" + ACCOUNT + ":task/glfs-dev/" + id);
        task.put("clusterArn", cluster);
        task.put("lastStatus", "RUNNING");
        task.put("desiredStatus", "RUNNING");
        task.put("startedBy", startedBy);
        task.put("taskDefinitionArn", "arn:aws:ecs:eu-west-1:" + ACCOUNT + ":task-definition/glfs-dev-runner:1");
        task.putArray("containers").addObject().put("name", "runner").put("lastStatus", "PENDING").put("exitCode", 0);
        ArrayNode environment = task.putObject("overrides").putArray("containerOverrides").addObject()
                .put("name", "runner").putArray("environment");
        env.forEach((k, v) -> environment.addObject().put("name", k).put("value", v));
        return Json.MAPPER.writeValueAsBytes(root);
    }

    private static JsonNode task(byte[] answer) throws Exception {
        return Json.MAPPER.readTree(answer).path("tasks").get(0);
    }

    @Test
    void describesEachTaskAsEcsWouldThroughItsLifeAndStopsItInTheEmulatorWhenTheRunnerExits() throws Exception {
        FargateSimulation simulation = simulation();
        byte[] started = simulation.ranTasks(runTaskAnswer("t1", CLUSTER, "glfs/dev/380/1977/1", Map.of()));
        JsonNode provisioning = task(started);
        assertThat(provisioning.path("lastStatus").asText()).isEqualTo("PROVISIONING");
        assertThat(provisioning.path("containers").get(0).has("exitCode")).as("no exit code before it ran").isFalse();
        assertThat(provisioning.path("createdAt").asDouble()).isEqualTo(clock.instant().getEpochSecond());

        jobs.available.add(clock.instant());
        clock.advance(Duration.ofSeconds(30));
        simulation.tick();
        assertThat(simulation.takes()).singleElement().satisfies(t -> {
            assertThat(t.pool()).isFalse();
            assertThat(t.environment()).isEqualTo("dev");
            assertThat(t.queued()).isEqualTo(Duration.ofSeconds(30));
        });
        JsonNode running = task(simulation.described(runTaskAnswer("t1", CLUSTER, "glfs/dev/380/1977/1", Map.of())));
        assertThat(running.path("lastStatus").asText()).isEqualTo("RUNNING");
        assertThat(running.path("containers").get(0).path("lastStatus").asText()).isEqualTo("RUNNING");
        assertThat(running.has("pullStartedAt") && running.has("pullStoppedAt") && running.has("startedAt")).isTrue();
        assertThat(stopped).isEmpty();

        clock.advance(Duration.ofSeconds(10));
        simulation.tick();
        assertThat(stopped).as("the exited task is stopped in the emulator, once").containsExactly(
                "arn:aws:ecs:eu-west-1:" + ACCOUNT + ":task/glfs-dev/t1|Essential container in task exited");
        simulation.tick();
        assertThat(stopped).hasSize(1);
        clock.advance(Duration.ofSeconds(3));
        JsonNode done = task(simulation.described(runTaskAnswer("t1", CLUSTER, "glfs/dev/380/1977/1", Map.of())));
        assertThat(done.path("lastStatus").asText()).isEqualTo("STOPPED");
        assertThat(done.path("desiredStatus").asText()).isEqualTo("STOPPED");
        assertThat(done.path("stopCode").asText()).isEqualTo("EssentialContainerExited");
        assertThat(done.path("containers").get(0).path("exitCode").asInt()).isZero();
        assertThat(done.has("stoppedAt") && done.has("executionStoppedAt") && done.has("stoppingAt")).isTrue();
    }

    @Test
    void aWarmPoolTaskWaitsItsOverriddenIdleTimeoutAndASizeClassTaskIsTheClasssRunner() throws Exception {
        FargateSimulation simulation = simulation();
        simulation.ranTasks(runTaskAnswer("pool", CLUSTER, "glfs/dev/pool/29000000-1",
                Map.of("RUNNER_WAIT_TIMEOUT", "300", "GLFS_WARM_POOL", "true")));
        simulation.ranTasks(runTaskAnswer("large", CLUSTER, "glfs/dev/380/1984/1",
                Map.of("RUNNER_TOKEN_VARIABLE", "CI_SERVER_TOKEN_1")));
        simulation.ranTasks(runTaskAnswer("plain", CLUSTER, "glfs/dev/380/1977/1", Map.of()));
        clock.advance(Duration.ofSeconds(30));
        simulation.tick();
        assertThat(simulation.idleRunners("dev", true)).isEqualTo(1);
        assertThat(simulation.idleRunners("dev", false)).isEqualTo(3);
        assertThat(jobs.requests).hasSize(3);
        // The task definition's wait (120 s) for the plain and large tasks, the override (300 s) for the pool task.
        clock.advance(Duration.ofSeconds(120));
        simulation.tick();
        assertThat(simulation.idleRunners("dev", false)).isEqualTo(1);
        assertThat(simulation.idleRunners("dev", true)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(180));
        simulation.tick();
        assertThat(simulation.idleRunners("dev", false)).isZero();
        assertThat(stopped).hasSize(3);
    }

    @Test
    void stopTaskFromTheFunctionsReachesTheRunnerAndTasksOfOtherClustersAreLeftAsTheEmulatorSaysThem()
            throws Exception {
        FargateSimulation simulation = simulation();
        simulation.ranTasks(runTaskAnswer("t1", CLUSTER, "glfs/dev/380/1977/1", Map.of()));
        clock.advance(Duration.ofSeconds(31));
        simulation.stopping(Json.MAPPER.readTree("{\"cluster\":\"glfs-dev\",\"task\":\"t1\",\"reason\":\"reaped\"}"));
        simulation.tick();
        JsonNode stopping = task(simulation.described(runTaskAnswer("t1", CLUSTER, "glfs/dev/380/1977/1", Map.of())));
        assertThat(stopping.path("stopCode").asText()).isEqualTo("UserInitiated");
        assertThat(stopping.path("stoppedReason").asText()).isEqualTo("reaped");
        assertThat(stopping.path("containers").get(0).path("exitCode").asInt()).isEqualTo(143);

        byte[] foreign = runTaskAnswer("x", "arn:aws:ecs:eu-west-1:" + ACCOUNT + ":cluster/other", "someone",
                Map.of());
        assertThat(task(simulation.ranTasks(foreign)).path("lastStatus").asText()).isEqualTo("RUNNING");
    }
}
