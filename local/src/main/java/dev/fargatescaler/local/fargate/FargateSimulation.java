package dev.fargatescaler.local.fargate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.task.TaskNaming;
import dev.fargatescaler.local.aws.EcsTraffic;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fargate and gitlab-runner on this machine, where the emulator runs no container: every task the functions start
 * becomes a {@link SimulatedTask} that provisions for the model's delay, then runs a runner that takes a pending
 * job of its runner's tags from the GitLab double (whichever job is next, not necessarily the one it was started
 * for, as GitLab hands out jobs), runs it and exits. The ECS proxy shows it the traffic ({@link EcsTraffic}), and
 * it answers DescribeTasks with each task's real state, times, stop code and exit code. When a runner exits, the
 * task is stopped in the emulator too (StopTask), so that ListTasks' {@code desiredStatus} filter agrees with it;
 * the emulator's own state progression is switched off for this ({@code MotoAdmin.freezeTaskStates}).
 *
 * <p>{@link #tick()} plays what happened since the last one; local mode calls it a few times a second.
 */
public final class FargateSimulation implements EcsTraffic {

    /** The emulator calls the simulation needs: stop a task, and read a task definition's runner wait. */
    public interface Emulator {
        void stopTask(String clusterArn, String taskArn, String reason);

        /** {@code RUNNER_WAIT_TIMEOUT} of the task definition's runner container, if it sets one. */
        Optional<Duration> waitTimeout(String clusterArn, String taskDefinitionArn);
    }

    /** What a runner did that is worth showing. */
    public interface Listener {
        void taken(Take take);

        void exited(String taskArn, String environment, boolean pool, Integer exitCode);
    }

    /** A runner took a job: which task (a warm-pool task or not), and how long the job had waited. */
    public record Take(String taskArn, boolean pool, String environment, long projectId, long jobId,
                       Duration queued, Instant at) {
    }

    private final RunnerModel model;
    private final RunnerJobRequests jobs;
    private final RunnerDirectory runners;
    private final Emulator emulator;
    private final Clock clock;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, SimulatedTask> tasks = new LinkedHashMap<>();
    private final List<Take> takes = new CopyOnWriteArrayList<>();

    public FargateSimulation(RunnerModel model, RunnerJobRequests jobs, RunnerDirectory runners, Emulator emulator,
                             Clock clock) {
        this.model = model;
        this.jobs = jobs;
        this.runners = runners;
        this.emulator = emulator;
        this.clock = clock;
    }

    public RunnerModel model() {
        return model;
    }

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Every job a runner took, in order. */
    public List<Take> takes() {
        return List.copyOf(takes);
    }

    /** Runners of the environment that are up and waiting for a job (only warm-pool tasks' with {@code poolOnly}). */
    public synchronized int idleRunners(String environment, boolean poolOnly) {
        Instant now = clock.instant();
        return (int) tasks.values().stream().filter(t -> t.runner().environment().equals(environment))
                .filter(t -> !poolOnly || t.pool())
                .filter(t -> !t.exited() && t.jobId().isEmpty() && "RUNNING".equals(t.lastStatus(now))
                        && "RUNNING".equals(t.desiredStatus()))
                .count();
    }

    /** Plays every task's runner up to now: job requests, job ends, exits (each stopped in the emulator). */
    public void tick() {
        Instant now = clock.instant();
        List<SimulatedTask> exited = new ArrayList<>();
        List<Take> taken = new ArrayList<>();
        synchronized (this) {
            for (SimulatedTask task : tasks.values()) {
                SimulatedTask.Step step = task.step(now, jobs);
                if (step.taken() != null) {
                    RunnerJobRequests.Taken t = step.taken();
                    taken.add(new Take(task.taskArn(), task.pool(), task.runner().environment(), t.projectId(),
                            t.jobId(), t.queuedDuration(), now));
                }
                if (step.exited()) {
                    exited.add(task);
                }
            }
        }
        for (Take take : taken) {
            takes.add(take);
            listeners.forEach(l -> l.taken(take));
        }
        for (SimulatedTask task : exited) {
            emulator.stopTask(task.clusterArn(), task.taskArn(), SimulatedTask.CONTAINER_EXITED_REASON);
            listeners.forEach(l -> l.exited(task.taskArn(), task.runner().environment(), task.pool(),
                    task.exitCode().orElse(null)));
        }
    }

    @Override
    public byte[] ranTasks(byte[] response) {
        JsonNode root = parse(response);
        if (root == null) {
            return response;
        }
        Instant now = clock.instant();
        for (JsonNode task : root.path("tasks")) {
            register(task, now);
        }
        return described(root, now);
    }

    @Override
    public void stopping(JsonNode request) {
        String task = request.path("task").asText("");
        Instant now = clock.instant();
        synchronized (this) {
            for (SimulatedTask t : tasks.values()) {
                if (t.taskArn().equals(task) || (!task.isEmpty() && t.taskArn().endsWith("/" + task))) {
                    t.stopRequested(now, request.path("reason").asText(null));
                }
            }
        }
    }

    @Override
    public byte[] described(byte[] response) {
        JsonNode root = parse(response);
        return root == null ? response : described(root, clock.instant());
    }

    private byte[] described(JsonNode root, Instant now) {
        synchronized (this) {
            for (JsonNode task : root.path("tasks")) {
                rewrite(task, now);
            }
            rewrite(root.path("task"), now);
        }
        try {
            return Json.MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a task description", e);
        }
    }

    private void register(JsonNode task, Instant now) {
        String arn = task.path("taskArn").asText(null);
        if (arn == null) {
            return;
        }
        synchronized (this) {
            if (tasks.containsKey(arn)) {
                return; // the same task again (a repeated client token)
            }
        }
        Map<String, String> environment = containerEnvironment(task);
        String clusterArn = task.path("clusterArn").asText();
        Optional<RunnerIdentity> runner = runners.runnerOf(clusterArn, environment.get("RUNNER_TOKEN_VARIABLE"));
        if (runner.isEmpty()) {
            return; // not a cluster of the environments: left as the emulator shows it
        }
        Duration wait = parseSeconds(environment.get("RUNNER_WAIT_TIMEOUT"))
                .or(() -> emulator.waitTimeout(clusterArn, task.path("taskDefinitionArn").asText()))
                .orElse(RunnerModel.DEFAULT_WAIT);
        SimulatedTask simulated = new SimulatedTask(arn, clusterArn, runner.get(),
                TaskNaming.isPoolTask(task.path("startedBy").asText(null)), now, wait, model);
        synchronized (this) {
            tasks.putIfAbsent(arn, simulated);
        }
    }

    /** The runner container's environment overrides RunTask gave (RUNNER_WAIT_TIMEOUT, RUNNER_TOKEN_VARIABLE). */
    private static Map<String, String> containerEnvironment(JsonNode task) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (JsonNode container : task.path("overrides").path("containerOverrides")) {
            for (JsonNode kv : container.path("environment")) {
                environment.put(kv.path("name").asText(), kv.path("value").asText());
            }
        }
        return environment;
    }

    static Optional<Duration> parseSeconds(String value) {
        if (value == null || !value.matches("[0-9]{1,9}")) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
    }

    /** The task as ECS would describe it now (API_Task fields), over what the emulator answered. */
    private void rewrite(JsonNode node, Instant now) {
        if (!(node instanceof ObjectNode task)) {
            return;
        }
        SimulatedTask sim = tasks.get(task.path("taskArn").asText(""));
        if (sim == null) {
            return;
        }
        String status = sim.lastStatus(now);
        Instant horizon = sim.executionStoppedAt().filter(now::isAfter).orElse(now);
        task.put("lastStatus", status);
        task.put("desiredStatus", sim.desiredStatus());
        time(task, "createdAt", sim.createdAt());
        for (String field : List.of("pullStartedAt", "pullStoppedAt", "startedAt", "stoppingAt",
                "executionStoppedAt", "stoppedAt", "stopCode", "stoppedReason")) {
            task.remove(field);
        }
        if (!horizon.isBefore(sim.pullStartedAt())) {
            time(task, "pullStartedAt", sim.pullStartedAt());
        }
        if (!horizon.isBefore(sim.pullStoppedAt())) {
            time(task, "pullStoppedAt", sim.pullStoppedAt());
        }
        boolean containerStarted = !horizon.isBefore(sim.startedAt());
        if (containerStarted) {
            time(task, "startedAt", sim.startedAt());
        }
        if ("STOPPED".equals(sim.desiredStatus())) {
            sim.stoppingAt().ifPresent(t -> time(task, "stoppingAt", t));
            task.put("stopCode", sim.stopCode());
            task.put("stoppedReason", sim.stoppedReason());
        }
        sim.executionStoppedAt().ifPresent(t -> time(task, "executionStoppedAt", t));
        if ("STOPPED".equals(status)) {
            time(task, "stoppedAt", sim.stoppedAt());
        }
        String containerStatus = sim.exited() ? "STOPPED" : containerStarted ? "RUNNING" : "PENDING";
        for (JsonNode c : task.path("containers")) {
            if (c instanceof ObjectNode container) {
                container.put("lastStatus", containerStatus);
                container.remove("exitCode");
                if (sim.exited()) {
                    sim.exitCode().ifPresent(code -> container.put("exitCode", code));
                }
            }
        }
    }

    /** ECS's JSON protocol gives times as epoch seconds with a fraction. */
    private static void time(ObjectNode node, String field, Instant at) {
        node.put(field, at.getEpochSecond() + at.getNano() / 1_000_000_000d);
    }

    private static JsonNode parse(byte[] response) {
        try {
            JsonNode root = Json.MAPPER.readTree(response);
            return root != null && root.isObject() ? root : null;
        } catch (IOException e) {
            return null;
        }
    }
}
