package dev.fargatescaler.local.start;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.task.TaskNaming;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * {@code bin/local demo} and the end-to-end test: sends the sample webhooks to a running {@link LocalPipeline}
 * (pending jobs for dev, staging and production, one job no environment serves, one duplicate delivery and one
 * second event for a job already launched), waits for the pipeline to settle, and checks every expectation
 * against the emulator itself: the right tasks in the right clusters, exactly one per job, reports emitted,
 * nothing left in the queue, no function error.
 */
public final class Demo {

    /** One check and its outcome. */
    public record Expectation(String what, boolean held, String detail) {
    }

    /** A webhook the demo sends: the job it names and what the webhook must answer. */
    record Delivery(String label, long jobId, String idempotencyKey, int expectedStatus) {
    }

    static final long PROJECT = 380;
    /** The dev job of size class large (tag dev-large, local/environments.json): keyed "dev (...)", dev's cluster. */
    static final long SIZE_CLASS_JOB = 1984;
    static final Map<String, Long> ROUTED_JOBS = Map.of("dev", 1977L, "staging", 1978L, "production", 1979L,
            "dev (size class large)", SIZE_CLASS_JOB);
    static final long UNROUTABLE_JOB = 1980;
    /** Pending in local/gitlab-jobs.json, but no webhook is sent for them: the sweeper's catch-up finds them. */
    static final Map<String, Long> CAUGHT_UP_JOBS = Map.of("dev", 1981L, "staging", 1982L, "production", 1983L);

    private final LocalPipeline pipeline;
    private final PrintStream out;
    private final Duration settleTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public Demo(LocalPipeline pipeline, PrintStream out, Duration settleTimeout) {
        this.pipeline = pipeline;
        this.out = out;
        this.settleTimeout = settleTimeout;
    }

    /** Sends the webhooks, waits, checks; prints what happened and returns every expectation. */
    public List<Expectation> run() throws IOException, InterruptedException {
        byte[] pendingBody = samplePendingBody(pipeline.stack().root());
        String devKey = UUID.randomUUID().toString();
        List<Delivery> deliveries = List.of(
                new Delivery("dev job", ROUTED_JOBS.get("dev"), devKey, 202),
                new Delivery("staging job", ROUTED_JOBS.get("staging"), UUID.randomUUID().toString(), 202),
                new Delivery("production job", ROUTED_JOBS.get("production"), UUID.randomUUID().toString(), 202),
                new Delivery("dev job of size class large (tag dev-large)", SIZE_CLASS_JOB,
                        UUID.randomUUID().toString(), 202),
                new Delivery("unroutable job (tag gpu)", UNROUTABLE_JOB, UUID.randomUUID().toString(), 202),
                new Delivery("duplicate delivery of the dev job (same Idempotency-Key)", ROUTED_JOBS.get("dev"), devKey, 200),
                new Delivery("second event for the dev job (new Idempotency-Key)", ROUTED_JOBS.get("dev"),
                        UUID.randomUUID().toString(), 202));
        List<Expectation> expectations = new ArrayList<>();
        for (Delivery d : deliveries) {
            HttpResponse<String> response = send(pendingBody, d);
            expectations.add(new Expectation("webhook for " + d.label() + " answers " + d.expectedStatus(),
                    response.statusCode() == d.expectedStatus(), response.statusCode() + " " + response.body()));
        }

        String depthQueue = pipeline.sources().queues().isEmpty() ? null : pipeline.sources().queues().get(0).queueUrl();
        boolean settled = await(() -> tasksByJob().keySet().containsAll(ROUTED_JOBS.values())
                && pipeline.monitor().queueDepthSeen() == 0
                && (pipeline.sources().rules().isEmpty() || everyTaskReported()), settleTimeout);
        // Let late duplicates run their course too.
        Thread.sleep(1500);
        pipeline.pollTasksNow();
        expectations.add(new Expectation("the webhooks' jobs were handled within " + settleTimeout.toSeconds() + " s",
                settled, pipeline.monitor().statusLine()));
        checkTasks(expectations, ROUTED_JOBS, "webhook");
        checkSizes(expectations);

        if (!pipeline.sources().schedules().isEmpty() && !pipeline.stack().parameterValues()
                .getOrDefault("CatchUpProjectIds", "").isBlank()) {
            // Phase 2: jobs pending in GitLab whose webhook never came (local/gitlab-jobs.json): the sweeper's
            // catch-up must queue them, and the scaler launch them, once each.
            pipeline.runSchedulesNow();
            boolean caughtUp = await(() -> tasksByJob().keySet().containsAll(CAUGHT_UP_JOBS.values())
                    && pipeline.monitor().queueDepthSeen() == 0, settleTimeout);
            Thread.sleep(1500);
            pipeline.pollTasksNow();
            expectations.add(new Expectation("the sweeper ran", pipeline.monitor().sweeperRuns() > 0,
                    pipeline.monitor().sweeperRuns() + " run(s)"));
            expectations.add(new Expectation("the sweeper caught up the jobs whose webhook was lost", caughtUp,
                    pipeline.monitor().statusLine()));
            Map<String, Long> all = new HashMap<>(ROUTED_JOBS);
            CAUGHT_UP_JOBS.forEach((env, job) -> all.put(env + " (caught up)", job));
            checkTasks(expectations, all, "sweeper");
        } else if (!pipeline.sources().schedules().isEmpty()) {
            pipeline.runSchedulesNow();
            expectations.add(new Expectation("the sweeper ran", pipeline.monitor().sweeperRuns() > 0,
                    pipeline.monitor().sweeperRuns() + " run(s)"));
        }
        if (!pipeline.sources().rules().isEmpty()) {
            expectations.add(new Expectation("every task's state changes reached the reporter", everyTaskReported(),
                    pipeline.monitor().reports().size() + " report(s)"));
        }
        if (!pipeline.sources().rules().isEmpty()) {
            // The reporter's invocation for a task seen STOPPED may still be running: give it time, as EventBridge
            // delivers asynchronously too.
            await(() -> unreportedStoppedTasks().isEmpty(), settleTimeout);
            List<String> stopped = stoppedTasks();
            List<String> unreported = unreportedStoppedTasks();
            expectations.add(new Expectation("a task report was emitted for every stopped task",
                    !stopped.isEmpty() && unreported.isEmpty(), (stopped.size() - unreported.size()) + " of "
                    + stopped.size() + " stopped task(s)" + (unreported.isEmpty() ? "" : ", none for " + unreported)));
        }
        expectations.add(new Expectation("the job queue is empty", depthQueue == null || pipeline.monitor().queueDepthSeen() == 0,
                "depth " + pipeline.monitor().queueDepthSeen()));
        expectations.add(new Expectation("no function failed", pipeline.monitor().functionErrors().isEmpty(),
                String.join("; ", pipeline.monitor().functionErrors())));

        out.println();
        out.println("demo: what happened");
        pipeline.monitor().describeLaunches().forEach(l -> out.println("  task  " + l));
        for (Expectation e : expectations) {
            out.println("  " + (e.held() ? "ok    " : "FAILED") + " " + e.what() + "  [" + e.detail() + "]");
        }
        out.println(pipeline.monitor().summary());
        return expectations;
    }

    /** Exactly one task per expected job, in its environment's cluster; none for the unroutable job; no other. */
    private void checkTasks(List<Expectation> expectations, Map<String, Long> expected, String phase) {
        Map<Long, List<Task>> tasks = tasksByJob();
        Map<String, String> clusterOfEnvironment = new HashMap<>();
        pipeline.clusters().forEach(c -> clusterOfEnvironment.put(c.environment(), c.cluster()));
        for (Map.Entry<String, Long> job : new java.util.TreeMap<>(expected).entrySet()) {
            String environment = job.getKey().split(" ")[0];
            List<Task> forJob = tasks.getOrDefault(job.getValue(), List.of());
            String cluster = clusterOfEnvironment.get(environment);
            boolean rightCluster = forJob.size() == 1 && cluster != null
                    && forJob.get(0).clusterArn().endsWith("/" + cluster);
            expectations.add(new Expectation("[" + phase + "] exactly one task for job " + job.getValue() + " in "
                    + environment + "'s cluster " + cluster, rightCluster,
                    forJob.size() + " task(s)" + (forJob.isEmpty() ? "" : " in " + forJob.get(0).clusterArn())));
        }
        expectations.add(new Expectation("[" + phase + "] no task for the unroutable job " + UNROUTABLE_JOB,
                !tasks.containsKey(UNROUTABLE_JOB), tasks.getOrDefault(UNROUTABLE_JOB, List.of()).size() + " task(s)"));
        int total = tasks.values().stream().mapToInt(List::size).sum();
        expectations.add(new Expectation("[" + phase + "] no other task was started (duplicates harmless)",
                total == expected.size(), total + " task(s) in all"));
    }

    /**
     * The size class job's task runs at the class's size (RunTask task-level overrides) and registers with the class's
     * token (RUNNER_TOKEN_VARIABLE names the task definition's CI_SERVER_TOKEN_1); the plain dev job's task has no
     * size override.
     */
    private void checkSizes(List<Expectation> expectations) {
        Map<Long, List<Task>> tasks = tasksByJob();
        List<Task> large = tasks.getOrDefault(SIZE_CLASS_JOB, List.of());
        boolean sized = large.size() == 1 && large.get(0).overrides() != null
                && "4096".equals(large.get(0).overrides().cpu()) && "16384".equals(large.get(0).overrides().memory())
                && large.get(0).overrides().ephemeralStorage() != null
                && Integer.valueOf(100).equals(large.get(0).overrides().ephemeralStorage().sizeInGiB())
                && large.get(0).overrides().containerOverrides().stream().flatMap(c -> c.environment().stream())
                        .anyMatch(kv -> "RUNNER_TOKEN_VARIABLE".equals(kv.name())
                                && "CI_SERVER_TOKEN_1".equals(kv.value()));
        expectations.add(new Expectation("job " + SIZE_CLASS_JOB + " (tag dev-large) runs at size class large's size "
                + "with the class's token variable", sized,
                large.isEmpty() ? "no task" : EcsEventSource.size(large.get(0))));
        List<Task> plain = tasks.getOrDefault(ROUTED_JOBS.get("dev"), List.of());
        expectations.add(new Expectation("job " + ROUTED_JOBS.get("dev") + " (tag dev) runs at dev's default size",
                !plain.isEmpty() && plain.stream().allMatch(t -> t.overrides() == null || t.overrides().cpu() == null),
                plain.isEmpty() ? "no task" : EcsEventSource.size(plain.get(0))));
    }

    /** Every task of this product in the environments' clusters, by job id, straight from ECS. */
    Map<Long, List<Task>> tasksByJob() {
        Map<Long, List<Task>> byJob = new HashMap<>();
        try (EcsClient ecs = pipeline.target().client(EcsClient.builder())) {
            for (EcsEventSource.Cluster cluster : pipeline.clusters()) {
                java.util.Set<String> unique = new java.util.LinkedHashSet<>();
                for (DesiredStatus desired : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
                    unique.addAll(ecs.listTasks(r -> r.cluster(cluster.cluster()).desiredStatus(desired)).taskArns());
                }
                List<String> arns = new ArrayList<>(unique);
                if (arns.isEmpty()) {
                    continue;
                }
                for (Task task : ecs.describeTasks(r -> r.cluster(cluster.cluster()).tasks(arns)).tasks()) {
                    Optional<TaskNaming.JobTask> job = TaskNaming.parseStartedBy(task.startedBy());
                    job.ifPresent(j -> byJob.computeIfAbsent(j.jobId(), k -> new ArrayList<>()).add(task));
                }
            }
        }
        return byJob;
    }

    private boolean everyTaskReported() {
        var reported = pipeline.monitor().reports().stream().filter(Monitor.Report::ok).map(Monitor.Report::taskArn)
                .collect(java.util.stream.Collectors.toSet());
        var launched = pipeline.monitor().launches();
        return !launched.isEmpty() && launched.stream().allMatch(l -> reported.contains(l.taskArn()));
    }

    private HttpResponse<String> send(byte[] pendingBody, Delivery d) throws IOException, InterruptedException {
        ObjectNode body = (ObjectNode) Json.MAPPER.readTree(pendingBody);
        body.put("build_id", d.jobId());
        body.put("build_name", "job-" + d.jobId());
        HttpRequest request = HttpRequest.newBuilder(URI.create(pipeline.webhookUrl()))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitLab/17.5.0")
                .header("X-Gitlab-Event", "Job Hook")
                .header("X-Gitlab-Token", pipeline.stack().config().secrets().get("local/gitlab-webhook-token"))
                .header("X-Gitlab-Instance", "https://gitlab.example.com")
                .header("X-Gitlab-Webhook-UUID", UUID.randomUUID().toString())
                .header("X-Gitlab-Event-UUID", UUID.randomUUID().toString())
                .header("Idempotency-Key", d.idempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The Job Hook body of {@code events/webhook-pending.json} (the shared fixture). */
    static byte[] samplePendingBody(Path root) throws IOException {
        JsonNode event = Json.MAPPER.readTree(Files.readAllBytes(root.resolve("events/webhook-pending.json")));
        String body = event.path("body").asText();
        return event.path("isBase64Encoded").asBoolean(false)
                ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> stoppedTasks() {
        return pipeline.monitor().taskStatuses().entrySet().stream()
                .filter(e -> "STOPPED".equals(e.getValue())).map(Map.Entry::getKey).toList();
    }

    private List<String> unreportedStoppedTasks() {
        return stoppedTasks().stream().filter(t -> pipeline.monitor().reports().stream()
                .noneMatch(r -> r.taskArn().equals(t) && r.taskReport())).toList();
    }

    private static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(250);
        }
        return condition.getAsBoolean();
    }
}
