package dev.fargatescaler.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.scaler.ScalerHandler;
import dev.fargatescaler.shared.aws.AwsTarget;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import dev.fargatescaler.testkit.MotoClients;
import dev.fargatescaler.testkit.MotoServer;
import dev.fargatescaler.testkit.ServiceRoutingHttpClient;
import dev.fargatescaler.testkit.fake.FakeEcs;
import dev.fargatescaler.testkit.fake.FakeSqs;
import dev.fargatescaler.webhook.WebhookHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The scaler under a burst, and webhook-to-RunTask latency, on one machine: the shipped {@link ScalerHandler}s
 * (one per concurrent "container", each wired by its own {@link FunctionWiring}, the production wiring, so each
 * has its own SDK clients with the shipped retry strategy and timeouts, as Lambda runs them) fed by an emulation
 * of Lambda's SQS event source (batches of up to 10, {@code ReportBatchItemFailures}: acknowledged messages are
 * deleted, the others stay with the visibility the scaler set) from a real queue on moto_server; ECS is the
 * testkit's in-memory {@link FakeEcs} (RunTask idempotent per clientToken, as ECS is) behind
 * {@link FargateLaunchLimit} (bucket of 100 launches refilled at 20/s, real ThrottlingException answers), reached
 * through the wiring's HTTP client seam ({@link ServiceRoutingHttpClient}); GitLab's Jobs API is answered in-process
 * ({@link FakeGitLabHttpClient}: every job pending with its environment's tag); the GitLab token comes from
 * Secrets Manager on moto_server.
 *
 * <p>{@code burst}: N pending jobs (default 1,000) across three environments are in the queue at once; prints
 * the time until the last launch against the launch limit's lower bound ({@code (N - 100) / 20} s), launches per
 * second, throttles and duplicates. {@code latency}: jobs arrive one by one through the real WebhookHandler
 * (SQS on moto) at a steady rate; prints webhook accepted -> RunTask returned p50/p99.
 *
 * <p>Usage: {@code bench/burst.sh [burst|latency]} (system properties {@code burst.jobs},
 * {@code burst.concurrency}, {@code latency.jobs}, {@code latency.rate}).
 */
public final class Burst {

    static final String[] ENVIRONMENTS = {"dev", "staging", "production"};

    private final MotoServer moto;
    private final String queueUrl;
    private final FakeEcs fakeEcs = new FakeEcs(7, FakeEcs.Faults.NONE, true);
    private final FargateLaunchLimit limit = new FargateLaunchLimit(fakeEcs, 100, 20);
    private final String environmentsJson;
    private final Environments environments;
    private final SqsClient admin;
    /**
     * {@code -Dburst.queue=memory} (default): the queue is an in-process {@link FakeSqs}, for the event source and
     * the scalers' own SQS calls alike, so that the figure is the scaler's and ECS's launch limit's, not
     * moto_server's (its ReceiveMessage takes seconds per batch at a depth of 1,000 on a loaded machine);
     * {@code moto}: the queue on moto_server, as local mode runs it.
     */
    private final FakeSqs memoryQueue = "moto".equals(System.getProperty("burst.queue", "memory")) ? null
            : new FakeSqs(Clock.systemUTC(), Duration.ofSeconds(360));
    /** What the scalers' ECS client resolved to (printed with the figures). */
    private volatile String ecsRetry = "?";
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Every scaler's decisions, counted (the EMF documents themselves go nowhere). */
    private final dev.fargatescaler.domain.metrics.RecordingMetrics decisions =
            new dev.fargatescaler.domain.metrics.RecordingMetrics();
    /** Where the event sources' time went (ns): receiving, the scaler's invocations, deleting. */
    private final java.util.concurrent.atomic.AtomicLong receiveNs = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong invokeNs = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong deleteNs = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong invocations = new java.util.concurrent.atomic.AtomicLong();

    private Burst(MotoServer moto) {
        this.moto = moto;
        this.admin = sqs();
        this.queueUrl = admin.createQueue(r -> r.queueName("burst-jobs")
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "360"))).queueUrl();
        try (SecretsManagerClient secrets = MotoClients.build(SecretsManagerClient.builder(), moto.endpoint())) {
            secrets.createSecret(r -> r.name("glfs/gitlab-api-token").secretString("glpat-burst-benchmark"));
            secrets.createSecret(r -> r.name("glfs/webhook-token").secretString(CannedAws.SECRET));
        }
        StringBuilder json = new StringBuilder("[");
        for (String name : ENVIRONMENTS) {
            json.append(json.length() > 1 ? "," : "").append("""
                    {"name":"%s","tags":["%s"],"cluster":"glfs-%s","taskDefinition":"glfs-runner-%s",
                     "containerName":"gitlab-runner","subnets":["subnet-0a1b2c3d"],"securityGroups":["sg-0a1b2c3d"],
                     "launchMode":{"type":"FARGATE"},"maxConcurrentTasks":2000}""".formatted(name, name, name, name));
        }
        this.environmentsJson = json.append(']').toString();
        this.environments = EnvironmentParser.parseArray(environmentsJson, "burst");
    }

    static String environmentOf(long jobId) {
        return ENVIRONMENTS[(int) (jobId % 3)];
    }

    /** Lambda's side of the event source (receive, delete), not a function's client. */
    private SqsClient sqs() {
        return MotoClients.build(SqsClient.builder(), moto.endpoint());
    }

    /** The production wiring of one container, pointed at moto_server, ECS and GitLab in-process. */
    private FunctionWiring wiring(Map<String, String> variables) {
        return new FunctionWiring(variables, AwsTarget.of(Map.of("AWS_ENDPOINT_URL", moto.endpoint(),
                "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing")),
                memoryQueue == null ? new ServiceRoutingHttpClient(limit, UrlConnectionHttpClient.create())
                        : new ServiceRoutingHttpClient(limit, UrlConnectionHttpClient.create())
                                .route(ServiceRoutingHttpClient.SQS, memoryQueue),
                () -> new FakeGitLabHttpClient(Burst::environmentOf), Clock.systemUTC());
    }

    /** One Lambda container's scaler, wired as its no-arg constructor wires it (template.yaml's variables). */
    private ScalerHandler scaler() {
        FunctionWiring wiring = wiring(Map.of(
                "GITLAB_URL", "https://gitlab.example.com",
                "GITLAB_TOKEN_SECRET", "glfs/gitlab-api-token",
                "GITLAB_TIMEOUT_SECONDS", "5",
                "JOB_QUEUE_URL", queueUrl,
                "QUEUE_MAX_RECEIVE_COUNT", "8",
                "ENVIRONMENTS", environmentsJson));
        var strategy = wiring.ecsForLaunches().serviceClientConfiguration().overrideConfiguration().retryStrategy()
                .orElseThrow();
        ecsRetry = strategy.getClass().getSimpleName() + "/" + strategy.maxAttempts();
        EmfMetrics emf = new EmfMetrics("GitLabFargateScaler");
        Metrics metrics = new Metrics() {
            @Override
            public void record(String name, double value, dev.fargatescaler.domain.metrics.MetricUnit unit,
                               Map<String, String> dimensions) {
                emf.record(name, value, unit, dimensions);
                decisions.record(name, value, unit, dimensions);
            }

            @Override
            public void flush() {
                emf.flush();
            }
        };
        return ScalerHandler.wiredBy(wiring, metrics);
    }

    /** Lambda's SQS event source for one concurrent container. */
    /** The queue the emulated event source polls: moto_server's, or an in-process {@link FakeSqs}. */
    private interface EventQueue {
        List<FakeSqs.Received> receive();

        void delete(List<FakeSqs.Received> messages);
    }

    private EventQueue eventQueue() {
        if (memoryQueue != null) {
            return new EventQueue() {
                @Override
                public List<FakeSqs.Received> receive() {
                    try {
                        // Lambda's pollers long-poll, as the moto variant does with WaitTimeSeconds=1.
                        return memoryQueue.receive(10, Duration.ofSeconds(1));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return List.of();
                    }
                }

                @Override
                public void delete(List<FakeSqs.Received> messages) {
                    messages.forEach(m -> memoryQueue.delete(m.receiptHandle()));
                }
            };
        }
        SqsClient sqs = sqs();
        return new EventQueue() {
            @Override
            public List<FakeSqs.Received> receive() {
                return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                        .messages().stream().map(m -> new FakeSqs.Received(m.messageId(), m.receiptHandle(), m.body(),
                                Integer.parseInt(m.attributes().getOrDefault(
                                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"))))
                        .toList();
            }

            @Override
            public void delete(List<FakeSqs.Received> messages) {
                sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(messages.stream()
                        .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId())
                                .receiptHandle(m.receiptHandle()).build())
                        .toList()));
            }
        };
    }

    /** Lambda's SQS event source for one concurrent container. */
    private Thread poller(int index) {
        EventQueue queue = eventQueue();
        ScalerHandler handler = scaler();
        Thread thread = new Thread(() -> {
            while (running.get()) {
                long t0 = System.nanoTime();
                List<FakeSqs.Received> batch = queue.receive();
                if (batch.isEmpty()) {
                    continue;
                }
                long t1 = System.nanoTime();
                receiveNs.addAndGet(t1 - t0);
                ObjectNode event = Json.MAPPER.createObjectNode();
                var records = event.putArray("Records");
                for (FakeSqs.Received m : batch) {
                    var record = records.addObject();
                    record.put("messageId", m.messageId()).put("receiptHandle", m.receiptHandle()).put("body", m.body())
                            .put("eventSource", "aws:sqs");
                    record.putObject("attributes").put("ApproximateReceiveCount", Integer.toString(m.receiveCount()));
                }
                try {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    handler.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), out,
                            new BenchContext("burst-" + index, "scaler"));
                    long t2 = System.nanoTime();
                    invokeNs.addAndGet(t2 - t1);
                    invocations.incrementAndGet();
                    var failed = new HashSet<String>();
                    Json.MAPPER.readTree(out.toByteArray()).path("batchItemFailures")
                            .forEach(f -> failed.add(f.path("itemIdentifier").asText()));
                    List<FakeSqs.Received> done = batch.stream().filter(m -> !failed.contains(m.messageId())).toList();
                    if (!done.isEmpty()) {
                        queue.delete(done);
                    }
                    deleteNs.addAndGet(System.nanoTime() - t2);
                } catch (Exception e) {
                    System.err.println("poller " + index + ": invocation failed: " + e);
                }
            }
        }, "event-source-" + index);
        thread.setDaemon(true);
        return thread;
    }

    private static String pendingJob(long jobId, Instant receivedAt) {
        long projectId = 100 + jobId % 7;
        return PendingJobCodec.toJson(new PendingJob(projectId, "group/p" + projectId, jobId, "build", "test", "main",
                9L, null, 0, "https://gitlab.example.com", null, receivedAt, projectId + ":" + jobId + ":pending", 0,
                PendingJob.SOURCE_WEBHOOK));
    }

    private void burst(int jobs, int concurrency) throws InterruptedException {
        Instant now = Instant.now();
        for (int from = 1; memoryQueue != null && from <= jobs; from++) {
            memoryQueue.send(pendingJob(from, now));
        }
        for (int from = 1; memoryQueue == null && from <= jobs; from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (long id = from; id < from + 10 && id <= jobs; id++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("j" + id).messageBody(pendingJob(id, now)).build());
            }
            admin.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        }
        List<Thread> pollers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            pollers.add(poller(i));
        }
        long start = System.nanoTime();
        pollers.forEach(Thread::start);
        long deadline = start + Duration.ofMinutes(5).toNanos();
        while (limit.launchedAt().size() < jobs && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        running.set(false);
        long[] at = limit.launchedAt().values().stream().mapToLong(t -> t - start).sorted().toArray();
        double total = at.length == 0 ? Double.NaN : at[at.length - 1] / 1e9;
        double bound = (jobs - 100) / 20.0;
        var startedBy = new HashSet<String>();
        fakeEcs.tasks().forEach(t -> startedBy.add(t.startedBy));
        int duplicates = fakeEcs.tasks().size() - startedBy.size();
        double steady = at.length > 100 ? (at.length - 100) / ((at[at.length - 1] - at[99]) / 1e9) : Double.NaN;
        System.err.printf(Locale.ROOT, "burst queue=%s ecs_retry=%s jobs=%d concurrency=%d launched=%d tasks=%d duplicates=%d "
                        + "total_s=%.1f bound_s=%.1f ratio=%.2f launches_per_s=%.1f steady_launches_per_s=%.1f "
                        + "throttled=%d runtask_calls=%d first_100_s=%.1f%n", memoryQueue == null ? "moto" : "memory",
                ecsRetry, jobs, concurrency, at.length,
                fakeEcs.tasks().size(),
                duplicates, total, bound, total / bound, at.length / total, steady, limit.throttled(),
                fakeEcs.calls("RunTask") + limit.throttled(), at.length >= 100 ? at[99] / 1e9 : Double.NaN);
        StringBuilder counts = new StringBuilder("scaler decisions:");
        for (String name : new String[] {"Launched", "AlreadyLaunched", "DeferredForCapacity", "RetryableError",
                "LaunchFailed", "Requeued"}) {
            counts.append(' ').append(name).append('=').append((long) decisions.sum(name));
        }
        System.err.println(counts);
        StringBuilder timeline = new StringBuilder("launch timeline (s after start):");
        for (int k : new int[] {100, 200, 400, 600, 800, 900, 950, 990, 1000}) {
            if (k <= at.length) {
                timeline.append(String.format(Locale.ROOT, " #%d=%.1f", k, at[k - 1] / 1e9));
            }
        }
        System.err.println(timeline);
        long n = Math.max(1, invocations.get());
        System.err.printf(Locale.ROOT, "event sources: %d scaler invocations, mean per batch: receive %.1f ms, "
                        + "invocation %.1f ms, delete %.1f ms; ECS calls: ListTasks %d, RunTask %d%n", n,
                receiveNs.get() / 1e6 / n, invokeNs.get() / 1e6 / n, deleteNs.get() / 1e6 / n,
                fakeEcs.calls("ListTasks"), fakeEcs.calls("RunTask"));
    }

    private void latency(int jobs, double perSecond) throws Exception {
        for (int i = 0; i < 2; i++) {
            poller(i).start();
        }
        WebhookHandler webhook = WebhookHandler.wiredBy(wiring(Map.of("JOB_QUEUE_URL", queueUrl,
                "WEBHOOK_TOKEN_SECRET", "glfs/webhook-token")));
        JsonNode template = Json.MAPPER.readTree(BenchSupport.resource("/events/webhook-pending.json"));
        ObjectNode hook = (ObjectNode) Json.MAPPER.readTree(template.path("body").asText());
        Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
        long interval = (long) (1e9 / perSecond);
        long next = System.nanoTime();
        for (long jobId = 1; jobId <= jobs; jobId++) {
            long projectId = 100 + jobId % 7;
            hook.put("build_id", jobId).put("project_id", projectId);
            ObjectNode event = template.deepCopy();
            event.put("body", Json.MAPPER.writeValueAsString(hook));
            ((ObjectNode) event.path("headers")).put("idempotency-key", "latency-" + jobId);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            webhook.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), out,
                    new BenchContext("latency-" + jobId, "webhook"));
            long accepted = System.nanoTime();
            if (!out.toString(StandardCharsets.UTF_8).contains("\"statusCode\":202")) {
                throw new IllegalStateException("webhook did not accept job " + jobId + ": " + out);
            }
            acceptedAt.put(environments.named(environmentOf(jobId)).orElseThrow().startedBy(projectId, jobId), accepted);
            next += interval;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (limit.launchedAt().size() < jobs && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        running.set(false);
        long[] latencies = acceptedAt.entrySet().stream().filter(e -> limit.launchedAt().containsKey(e.getKey()))
                .mapToLong(e -> limit.launchedAt().get(e.getKey()) - e.getValue()).sorted().toArray();
        System.err.printf(Locale.ROOT, "latency jobs=%d rate_per_s=%.1f launched=%d p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f "
                        + "max_ms=%.1f%n", jobs, perSecond, latencies.length, pct(latencies, 50), pct(latencies, 90),
                pct(latencies, 99), latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * p / 100.0) - 1)] / 1e6;
    }

    public static void main(String[] args) throws Exception {
        BenchSupport.silenceStdout();
        String mode = args.length > 0 ? args[0] : "burst";
        try (MotoServer moto = MotoServer.start()) {
            Burst burst = new Burst(moto);
            if ("latency".equals(mode)) {
                burst.latency(Integer.getInteger("latency.jobs", 200),
                        Double.parseDouble(System.getProperty("latency.rate", "5")));
            } else {
                burst.burst(Integer.getInteger("burst.jobs", 1000), Integer.getInteger("burst.concurrency", 5));
            }
        }
        System.exit(0);
    }

    static String describe(long[] values) {
        return Arrays.toString(values);
    }
}
