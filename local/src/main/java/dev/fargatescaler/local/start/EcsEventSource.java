package dev.fargatescaler.local.start;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.task.TaskNaming;
import dev.fargatescaler.local.runtime.FunctionPool;
import dev.fargatescaler.local.runtime.FunctionWorker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * EventBridge's "ECS Task State Change" events on this machine: the emulator publishes none, so the clusters
 * are polled (ListTasks, DescribeTasks) and every change of a task's {@code lastStatus} becomes the event ECS
 * would send, delivered to each function whose rule pattern matches it. Also what the monitor shows as
 * launches and task states. The states, times and exit codes are the Fargate simulation's
 * ({@link dev.fargatescaler.local.fargate.FargateSimulation}, which answers DescribeTasks through the ECS proxy).
 */
public final class EcsEventSource implements Runnable {

    /**
     * One cluster to watch: the environment's name, its cluster and, for an environment in another account, that
     * account and a client signed as it (null: the control plane's account and client). Its events carry that
     * account, as the ones its environment stack forwards to the control plane's bus do.
     */
    public record Cluster(String environment, String cluster, String account, EcsClient ecs) {
        public Cluster(String environment, String cluster) {
            this(environment, cluster, null, null);
        }
    }

    private final List<Cluster> clusters;
    private final EcsClient ecs;
    private final List<EventSources.RuleSource> rules;
    private final Map<String, FunctionPool> workers;
    private final SimulatedExitCode exitCodes;
    private final String region;
    private final String account;
    private final Monitor monitor;
    private final GitLabDouble gitLab;
    private final IntSupplier queueDepth;
    private final long intervalMillis;
    private final Map<String, String> lastStatus = new ConcurrentHashMap<>();
    /** ECS increments a task's version with every state change; moto's stays 1, so it is counted here. */
    private final Map<String, Integer> versions = new ConcurrentHashMap<>();
    /** When this poller saw each task's milestones: moto reports no task timestamps, ECS events carry them. */
    private final Map<String, Map<String, java.time.Instant>> observedTimes = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    EcsEventSource(List<Cluster> clusters, EcsClient ecs, List<EventSources.RuleSource> rules,
                   Map<String, FunctionPool> workers, String region, String account, Monitor monitor,
                   GitLabDouble gitLab, IntSupplier queueDepth, long intervalMillis, SimulatedExitCode exitCodes) {
        this.clusters = clusters;
        this.ecs = ecs;
        this.rules = rules;
        this.workers = workers;
        this.region = region;
        this.account = account;
        this.monitor = monitor;
        this.gitLab = gitLab;
        this.queueDepth = queueDepth;
        this.intervalMillis = intervalMillis;
        this.exitCodes = exitCodes;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            try {
                pollOnce();
            } catch (RuntimeException | IOException e) {
                if (running) {
                    monitor.functionError("ECS event source", e.toString());
                }
            }
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Fills the times ECS would have set and the emulator leaves out, with when this poller saw each step, so
     * that the reporter's durations and costs mean something locally. Times the task does report are kept.
     */
    private void stampObservedTimes(Task task, ObjectNode detail) {
        java.time.Instant now = java.time.Instant.now();
        Map<String, java.time.Instant> times = observedTimes.computeIfAbsent(task.taskArn(), k -> new ConcurrentHashMap<>());
        times.putIfAbsent("createdAt", now);
        String status = task.lastStatus();
        if (List.of("RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED").contains(status)) {
            times.putIfAbsent("pullStartedAt", times.get("createdAt"));
            times.putIfAbsent("pullStoppedAt", now);
            times.putIfAbsent("startedAt", now);
        }
        if (List.of("DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED").contains(status)) {
            times.putIfAbsent("stoppingAt", now);
            times.putIfAbsent("executionStoppedAt", now);
        }
        if ("STOPPED".equals(status)) {
            times.putIfAbsent("stoppedAt", now);
        }
        times.forEach((field, time) -> {
            if (!detail.hasNonNull(field)) {
                detail.put(field, time.toString());
            }
        });
    }

    synchronized void pollOnce() throws IOException {
        for (Cluster cluster : clusters) {
            java.util.Set<String> unique = new java.util.LinkedHashSet<>();
            for (DesiredStatus desired : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
                String next = null;
                do {
                    String token = next;
                    var page = ecs(cluster).listTasks(r -> r.cluster(cluster.cluster()).desiredStatus(desired)
                            .nextToken(token));
                    unique.addAll(page.taskArns());
                    next = page.nextToken();
                } while (next != null);
            }
            List<String> arns = new ArrayList<>(unique);
            for (int from = 0; from < arns.size(); from += 100) {
                List<String> chunk = arns.subList(from, Math.min(arns.size(), from + 100));
                for (Task task : ecs(cluster).describeTasks(r -> r.cluster(cluster.cluster()).tasks(chunk)).tasks()) {
                    observe(cluster, task);
                }
            }
        }
        monitor.queueDepth(queueDepth.getAsInt());
        monitor.status();
    }

    /** What RunTask asked for: the size class (its hint) and the task-level overrides, or the default size. */
    static String size(Task task) {
        var overrides = task.overrides();
        String sizeClass = overrides == null ? null : overrides.containerOverrides().stream()
                .flatMap(c -> c.environment().stream())
                .filter(kv -> dev.fargatescaler.domain.report.LaunchHints.SIZE_CLASS.equals(kv.name()))
                .map(software.amazon.awssdk.services.ecs.model.KeyValuePair::value).findFirst().orElse(null);
        if (sizeClass == null) {
            return "default size";
        }
        return "size class " + sizeClass + " (cpu " + overrides.cpu() + ", memory " + overrides.memory() + " MiB"
                + (overrides.ephemeralStorage() == null ? ""
                        : ", " + overrides.ephemeralStorage().sizeInGiB() + " GiB storage") + ")";
    }

    private EcsClient ecs(Cluster cluster) {
        return cluster.ecs() == null ? ecs : cluster.ecs();
    }

    private void observe(Cluster cluster, Task task) throws IOException {
        String previous = lastStatus.get(task.taskArn());
        if (previous == null) {
            var job = TaskNaming.parseStartedBy(task.startedBy());
            monitor.launched(new Monitor.Launch(job.map(TaskNaming.JobTask::environment).orElse(cluster.environment()),
                    cluster.cluster(), task.taskArn(), job.map(TaskNaming.JobTask::projectId).orElse(0L),
                    job.map(TaskNaming.JobTask::jobId).orElse(0L), size(task)));
        }
        if (task.lastStatus().equals(previous)) {
            return;
        }
        lastStatus.put(task.taskArn(), task.lastStatus());
        monitor.taskState(task.taskArn(), previous, task.lastStatus());
        if (gitLab != null) {
            TaskNaming.parseStartedBy(task.startedBy()).ifPresent(job -> {
                if ("RUNNING".equals(task.lastStatus())) {
                    gitLab.jobRunning(job.jobId());
                } else if ("STOPPED".equals(task.lastStatus())) {
                    gitLab.jobFinished(job.jobId());
                }
            });
        }
        ObjectNode event = EcsTaskEvents.taskStateChange(task, region,
                cluster.account() == null ? account : cluster.account(), exitCodes);
        stampObservedTimes(task, (ObjectNode) event.get("detail"));
        int version = versions.merge(task.taskArn(), 1, Integer::sum);
        ((ObjectNode) event.get("detail")).put("version", Math.max(version, task.version() == null ? 1 : task.version().intValue()));
        for (EventSources.RuleSource rule : rules) {
            if (!EcsTaskEvents.matches(rule.pattern(), event)) {
                continue;
            }
            FunctionWorker.Result result = workers.get(rule.function()).invoke(Json.MAPPER.writeValueAsBytes(event));
            if (!result.ok()) {
                monitor.functionError(rule.function(), result.payloadText());
            }
            monitor.reported(task.taskArn(), task.lastStatus(), result.ok(), result.payloadText());
        }
    }
}
