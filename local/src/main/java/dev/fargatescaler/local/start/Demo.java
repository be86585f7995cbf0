package dev.fargatescaler.local.start;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.task.TaskNaming;
import dev.fargatescaler.local.fargate.FargateSimulation;
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
    /** The job the demo creates once dev's warm pool is ready: a warm runner takes it. */
    static final long WARM_JOB = 1990;
    static final String WARM_ENVIRONMENT = "dev";

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
            if (d.expectedStatus() == 202 && pipeline.gitLab() != null) {
                pipeline.gitLab().pendingNow(d.jobId()); // the job's webhook says it became pending now
            }
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
        awaitTaken(expectations, ROUTED_JOBS, "webhook");
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
            awaitTaken(expectations, CAUGHT_UP_JOBS, "sweeper");
            if (pipeline.fargate().isPresent() && warmPoolConfigured()) {
                warmTake(expectations, pendingBody);
                checkTasks(expectations, all, "warm pool", tasksByJob().getOrDefault(WARM_JOB, List.of()).size());
            }
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

    /**
     * With simulated Fargate: every job of the phase is taken by a runner (a fresh task waits one provisioning
     * delay first), and each take is shown with the job's queue time as GitLab computes it.
     */
    private void awaitTaken(List<Expectation> expectations, Map<String, Long> jobs, String phase)
            throws InterruptedException {
        if (pipeline.fargate().isEmpty()) {
            return;
        }
        var fargate = pipeline.fargate().get();
        boolean taken = await(() -> fargate.takes().stream().map(FargateSimulation.Take::jobId)
                .collect(java.util.stream.Collectors.toSet()).containsAll(jobs.values()), settleTimeout);
        String detail = fargate.takes().stream().filter(t -> jobs.containsValue(t.jobId()))
                .map(t -> "job " + t.jobId() + " by " + (t.pool() ? "a warm-pool task" : "a fresh task") + " after "
                        + seconds(t.queued()) + " s")
                .collect(java.util.stream.Collectors.joining(", "));
        expectations.add(new Expectation("[" + phase + "] a runner took each job (queue time as GitLab measures it)",
                taken, detail));
    }

    private boolean warmPoolConfigured() {
        return pipeline.environments().stream().anyMatch(e -> e.name().equals(WARM_ENVIRONMENT)
                && e.environment().warmPool().enabled())
                && !pipeline.sources().schedules().stream().filter(s -> s.input() != null).toList().isEmpty();
    }

    /**
     * Phase 3: the warm-pool keeper starts dev's pool; once its task is ready (one provisioning delay), a new dev
     * job becomes pending and its webhook is sent. The warm runner takes it within its poll interval, where a fresh
     * task would take a provisioning delay; the webhook receives GitLab's {@code running} hook and records the
     * queue time ({@code JobQueueTime}). The task the scaler starts for the job, one per pending job as always,
     * becomes the next idle runner.
     */
    private void warmTake(List<Expectation> expectations, byte[] pendingBody) throws IOException, InterruptedException {
        var fargate = pipeline.fargate().get();
        pipeline.runKeeperNow();
        boolean ready = await(() -> fargate.idleRunners(WARM_ENVIRONMENT, true) > 0, settleTimeout);
        expectations.add(new Expectation("the warm-pool keeper started " + WARM_ENVIRONMENT
                + "'s pool and its task is ready for a job", ready, fargate.idleRunners(WARM_ENVIRONMENT, true)
                + " idle warm-pool runner(s)"));
        pipeline.gitLab().addPendingJob(PROJECT, WARM_JOB, "warm-start", List.of(WARM_ENVIRONMENT),
                Duration.ofSeconds(2));
        HttpResponse<String> response = send(pendingBody, new Delivery("warm job", WARM_JOB,
                UUID.randomUUID().toString(), 202));
        expectations.add(new Expectation("webhook for the new dev job " + WARM_JOB + " answers 202",
                response.statusCode() == 202, response.statusCode() + " " + response.body()));
        boolean taken = await(() -> fargate.takes().stream().anyMatch(t -> t.jobId() == WARM_JOB), settleTimeout);
        Optional<FargateSimulation.Take> take = fargate.takes().stream().filter(t -> t.jobId() == WARM_JOB).findFirst();
        Duration delay = fargate.model().provisioningDelay();
        expectations.add(new Expectation("job " + WARM_JOB + " was taken by a warm-pool task", taken
                && take.get().pool(), take.map(t -> (t.pool() ? "warm-pool task " : "task ")
                + Monitor.shortId(t.taskArn())).orElse("not taken")));
        expectations.add(new Expectation("job " + WARM_JOB + " waited less than a fresh task's provisioning delay ("
                + delay.toSeconds() + " s)", take.isPresent() && take.get().queued().compareTo(delay) < 0,
                take.map(t -> seconds(t.queued()) + " s in the queue").orElse("not taken")));
        boolean recorded = await(() -> webhookRecordedQueueTime(WARM_ENVIRONMENT), settleTimeout);
        expectations.add(new Expectation("the webhook recorded the running hook's queue time (JobQueueTime, "
                + "Environment " + WARM_ENVIRONMENT + ")", recorded, "WebhookFunction.log"));
        // One task per pending job, as always, but only while it is pending: if the warm runner took the job before
        // the scaler asked GitLab, the scaler launches nothing ("no-longer-pending"); otherwise the job's own task
        // becomes the next idle runner. Either way at most one task.
        await(() -> pipeline.monitor().queueDepthSeen() == 0, settleTimeout);
        Thread.sleep(1500);
        pipeline.pollTasksNow();
        int own = tasksByJob().getOrDefault(WARM_JOB, List.of()).size();
        expectations.add(new Expectation("at most one task was started for job " + WARM_JOB + " (none if the warm "
                + "runner took it before the scaler asked GitLab)", own <= 1, own + " task(s)"));
        take.ifPresent(t -> out.println("demo: job " + WARM_JOB + " was taken by warm-pool task "
                + Monitor.shortId(t.taskArn()) + " " + seconds(t.queued()) + " s after it became pending"
                + " (GitLab's build_queued_duration); a fresh task needs " + delay.toSeconds() + " s to provision"));
    }

    /** The webhook's EMF metric line for a queue time of the environment (its log, as CloudWatch would get it). */
    private boolean webhookRecordedQueueTime(String environment) {
        Path log = pipeline.logDir().resolve("WebhookFunction.log");
        try {
            return Files.exists(log) && Files.readAllLines(log).stream().anyMatch(line ->
                    line.contains("\"JobQueueTime\"") && line.contains("\"Environment\":\"" + environment + "\""));
        } catch (IOException e) {
            return false;
        }
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000d);
    }

    /** Exactly one task per expected job, in its environment's cluster; none for the unroutable job; no other. */
    private void checkTasks(List<Expectation> expectations, Map<String, Long> expected, String phase) {
        checkTasks(expectations, expected, phase, 0);
    }

    /** @param others tasks of jobs checked elsewhere (the warm job's), which the total may also hold */
    private void checkTasks(List<Expectation> expectations, Map<String, Long> expected, String phase, int others) {
        Map<Long, List<Task>> tasks = tasksByJob();
        Map<String, String> clusterOfEnvironment = new HashMap<>();
        pipeline.clusters().forEach(c -> clusterOfEnvironment.put(c.environment(), c.cluster()));
        Map<String, String> accountOfEnvironment = new HashMap<>();
        pipeline.clusters().forEach(c -> accountOfEnvironment.put(c.environment(), c.account() == null
                ? pipeline.target().accountId() : c.account()));
        for (Map.Entry<String, Long> job : new java.util.TreeMap<>(expected).entrySet()) {
            String environment = job.getKey().split(" ")[0];
            List<Task> forJob = tasks.getOrDefault(job.getValue(), List.of());
            String cluster = clusterOfEnvironment.get(environment);
            String account = accountOfEnvironment.get(environment);
            boolean rightCluster = forJob.size() == 1 && cluster != null
                    && forJob.get(0).clusterArn().endsWith(":" + account + ":cluster/" + cluster);
            expectations.add(new Expectation("[" + phase + "] exactly one task for job " + job.getValue() + " in "
                    + environment + "'s cluster " + cluster + " (account " + account + ")", rightCluster,
                    forJob.size() + " task(s)" + (forJob.isEmpty() ? "" : " in " + forJob.get(0).clusterArn())));
        }
        expectations.add(new Expectation("[" + phase + "] no task for the unroutable job " + UNROUTABLE_JOB,
                !tasks.containsKey(UNROUTABLE_JOB), tasks.getOrDefault(UNROUTABLE_JOB, List.of()).size() + " task(s)"));
        int total = tasks.values().stream().mapToInt(List::size).sum();
        expectations.add(new Expectation("[" + phase + "] no other task was started (duplicates harmless)",
                total == expected.size() + others, total + " task(s) in all"
                        + (others == 0 ? "" : ", " + others + " of them for the warm job")));
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
                    EcsClient in = cluster.ecs() == null ? ecs : cluster.ecs();
                    unique.addAll(in.listTasks(r -> r.cluster(cluster.cluster()).desiredStatus(desired)).taskArns());
                }
                List<String> arns = new ArrayList<>(unique);
                if (arns.isEmpty()) {
                    continue;
                }
                EcsClient in = cluster.ecs() == null ? ecs : cluster.ecs();
                for (Task task : in.describeTasks(r -> r.cluster(cluster.cluster()).tasks(arns)).tasks()) {
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
        HttpRequest request = JobHooks.request(URI.create(pipeline.webhookUrl()),
                pipeline.stack().config().secrets().get("local/gitlab-webhook-token"),
                Json.MAPPER.writeValueAsBytes(body), d.idempotencyKey());
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The Job Hook body of {@code events/webhook-pending.json} (the shared fixture). */
    static byte[] samplePendingBody(Path root) throws IOException {
        return JobHooks.sampleBody(root, "events/webhook-pending.json");
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
