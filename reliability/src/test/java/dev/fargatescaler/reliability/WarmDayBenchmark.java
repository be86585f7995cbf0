package dev.fargatescaler.reliability;

import dev.fargatescaler.testkit.MutableClock;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.lifecycle.Budget;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.pool.PoolCost;
import dev.fargatescaler.domain.pool.PoolKeeper;
import dev.fargatescaler.domain.report.PriceTable;
import dev.fargatescaler.domain.task.TaskNaming;
import dev.fargatescaler.scaler.ScalerHandler;
import dev.fargatescaler.testkit.TestSecrets;
import dev.fargatescaler.testkit.ServiceRoutingHttpClient;
import dev.fargatescaler.testkit.fake.FakeEcs;
import dev.fargatescaler.testkit.fake.FakeSecretsManager;
import dev.fargatescaler.testkit.fake.FakeSqs;
import dev.fargatescaler.shared.aws.AwsTarget;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import software.amazon.awssdk.http.SdkHttpClient;
import dev.fargatescaler.webhook.WebhookHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A working day in virtual time, with and without warm pools (docs/warm-pool.md, docs/performance.md). NOT part
 * of the build (the name does not end in Test): {@code bash bench/warm-day.sh} runs it and prints the figures.
 *
 * <p>The control plane is the real one, built by the production wiring ({@code FunctionWiring}, what the
 * functions' no-arg constructors use, with the shipped SDK clients, retry strategies and timeouts): the webhook and
 * scaler handlers, and the keeper ({@link PoolKeeper}) on the sweeper's adapters. Only the HTTP client differs:
 * ECS is {@link FakeEcs} (clientToken idempotency as in ECS), SQS {@link FakeSqs} and Secrets Manager
 * {@link FakeSecretsManager}, all on the virtual clock; GitLab is {@link GitLabWorld} on WireMock (no faults). Time is virtual (1 s
 * steps). The runners are a model of {@code gitlab-runner run-single --max-builds 1} and of GitLab's queue: a task
 * can take a job {@value #PROVISIONING_SECONDS} s after RunTask (provisioning and image pull); an idle runner of
 * an environment asks for a job every {@value #RUNNER_CHECK_SECONDS} s and takes that environment's oldest
 * pending job; it exits after its job, or when
 * {@code RUNNER_WAIT_TIMEOUT} (its container override, 60 s by default) passes without one. Queue time is what
 * GitLab reports as {@code build_queued_duration}: from pending to taken.
 *
 * <p>The day (Tuesday 1 December 2026, UTC): three environments, a window 08:00-19:00 with a pool of
 * {@value #POOL_SIZE}; at the top of every hour from 08:00 to 18:00 a burst of {@value #BURST} jobs per
 * environment within a minute, background jobs about every 15 minutes per environment during the window, and a
 * few jobs before and after it; jobs run 2 to 6 minutes.
 */
class WarmDayBenchmark {

    static final Instant DAY = Instant.parse("2026-12-01T00:00:00Z");
    static final Instant START = DAY.plus(Duration.ofHours(6));
    static final Instant END = DAY.plus(Duration.ofHours(21).plusMinutes(30));
    static final Instant WINDOW_START = DAY.plus(Duration.ofHours(8));
    static final Instant WINDOW_END = DAY.plus(Duration.ofHours(19));
    static final int PROVISIONING_SECONDS = 30;
    /** gitlab-runner asks GitLab for a job every check_interval, 3 s by default (docs.gitlab.com/runner/configuration/advanced-configuration/). */
    static final int RUNNER_CHECK_SECONDS = 3;
    static final int POOL_SIZE = 4;
    static final int BURST = 4;
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    static final String[] ENVIRONMENTS = {"dev", "staging", "production"};

    record Arrival(Instant at, String env, long jobId, Duration runs) {
    }

    static final class Runner {
        final FakeEcs.Task task;
        final String env;
        final boolean pool;
        final Instant readyAt;
        final Instant idleUntil;
        Long job;
        Instant doneAt;
        boolean gone;

        Runner(FakeEcs.Task task) {
            this.task = task;
            this.env = task.group.substring(TaskNaming.GROUP_PREFIX.length());
            this.pool = TaskNaming.isPoolTask(task.startedBy);
            this.readyAt = task.createdAt.plusSeconds(PROVISIONING_SECONDS);
            this.idleUntil = readyAt.plusSeconds(waitSeconds(task.request));
        }

        static long waitSeconds(JsonNode request) {
            for (JsonNode kv : request.path("overrides").path("containerOverrides").path(0).path("environment")) {
                if ("RUNNER_WAIT_TIMEOUT".equals(kv.path("name").asText())) {
                    return Long.parseLong(kv.path("value").asText());
                }
            }
            return 60;
        }
    }

    /** One simulated day's figures. */
    record Figures(String label, List<Double> queueSeconds, List<Double> queueInWindow, List<Double> controlPlaneMs,
                   int jobs, int tasks, int poolTasks, int warmTakes, double poolCostUsd, double totalCostUsd,
                   double poolTaskSecondsOutsideWindows, int poolTasksStartedOutsideWindows,
                   int tasksAliveOneIdleTimeoutAfterWindow, int duplicated, int lost) {
    }

    WireMockServer wireMock;

    @AfterEach
    void stop() {
        if (wireMock != null) {
            wireMock.stop();
        }
        Configurator.setLevel("dev.fargatescaler", Level.INFO);
    }

    @Test
    void aWorkingDayWithAndWithoutWarmPools() throws IOException {
        Configurator.setLevel("dev.fargatescaler", Level.WARN);
        List<Arrival> arrivals = arrivals(new Random(Long.getLong("warmday.seed", 20261201L)));
        Figures without = simulate("without pool", arrivals, false);
        Figures with = simulate("with pool", arrivals, true);
        String report = String.join(System.lineSeparator(), line(without), line(with));
        System.out.println(report);
        Path out = Path.of("target", "warm-day-report.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report + System.lineSeparator(), StandardCharsets.UTF_8);

        for (Figures f : List.of(without, with)) {
            assertThat(f.lost()).as("%s: jobs never taken", f.label()).isZero();
            assertThat(f.duplicated()).as("%s: jobs with two tasks of their own", f.label()).isZero();
        }
        assertThat(with.poolTasksStartedOutsideWindows()).isZero();
        assertThat(with.tasksAliveOneIdleTimeoutAfterWindow()).isZero();
    }

    static String line(Figures f) {
        return String.format(java.util.Locale.ROOT,
                "warm-day %s: jobs=%d tasks=%d (pool %d) warm takes=%d | queue time s all: p50=%.1f p90=%.1f "
                        + "p99=%.1f | in window: p50=%.1f p90=%.1f p99=%.1f | control plane ms per job (webhook + "
                        + "scaler, real time): p50=%.1f p99=%.1f | cost USD: pool=%.3f all tasks=%.3f | pool "
                        + "task-seconds outside windows=%.0f, pool tasks started outside windows=%d, tasks alive "
                        + "one idle timeout after the window=%d | lost=%d duplicated=%d",
                f.label(), f.jobs(), f.tasks(), f.poolTasks(), f.warmTakes(), pct(f.queueSeconds(), 50),
                pct(f.queueSeconds(), 90), pct(f.queueSeconds(), 99), pct(f.queueInWindow(), 50),
                pct(f.queueInWindow(), 90), pct(f.queueInWindow(), 99), pct(f.controlPlaneMs(), 50),
                pct(f.controlPlaneMs(), 99), f.poolCostUsd(), f.totalCostUsd(), f.poolTaskSecondsOutsideWindows(),
                f.poolTasksStartedOutsideWindows(), f.tasksAliveOneIdleTimeoutAfterWindow(), f.lost(),
                f.duplicated());
    }

    static double pct(List<Double> values, int percentile) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static List<Arrival> arrivals(Random random) {
        List<Arrival> arrivals = new ArrayList<>();
        long id = 50_000;
        for (String env : ENVIRONMENTS) {
            for (int hour = 8; hour <= 18; hour++) {
                Instant top = DAY.plus(Duration.ofHours(hour));
                for (int b = 0; b < BURST; b++) {
                    arrivals.add(new Arrival(top.plusSeconds(random.nextInt(60)), env, ++id, runs(random)));
                }
            }
            for (Instant t = WINDOW_START.plusSeconds(random.nextInt(900)); t.isBefore(WINDOW_END);
                 t = t.plusSeconds(300 + random.nextInt(1200))) {
                arrivals.add(new Arrival(t, env, ++id, runs(random)));
            }
            for (int i = 0; i < 4; i++) {
                arrivals.add(new Arrival(DAY.plus(Duration.ofHours(6)).plusSeconds(random.nextInt(7200)), env, ++id,
                        runs(random)));
                arrivals.add(new Arrival(WINDOW_END.plusSeconds(random.nextInt(7200)), env, ++id, runs(random)));
            }
        }
        arrivals.sort(Comparator.comparing(Arrival::at));
        return arrivals;
    }

    static Duration runs(Random random) {
        return Duration.ofSeconds(120 + random.nextInt(240));
    }

    static Environments environments(boolean pools) {
        return EnvironmentParser.parseArray(environmentsJson(pools), "warm day");
    }

    /** The environments as the functions read them ({@code ENVIRONMENTS}, inline). */
    static String environmentsJson(boolean pools) {
        StringBuilder json = new StringBuilder("[");
        for (String env : ENVIRONMENTS) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("""
                    {"name":"%s","tags":["%s"],"cluster":"glfs-%s","taskDefinition":"glfs-%s-runner",
                     "subnets":["subnet-0d0d0d0d"],"securityGroups":["sg-0d0d0d0d"],"maxConcurrentTasks":30,
                     "cost":{"cpu":1024,"memoryMiB":2048,"architecture":"X86_64"}%s}"""
                    .formatted(env, env, env, env, pools ? """
                            ,"warmPool":{"size":%d,"idleTimeout":"%s","timeZone":"UTC",
                                         "windows":[{"days":"MON-FRI","from":"08:00","to":"19:00"}]}"""
                            .formatted(POOL_SIZE, IDLE_TIMEOUT) : ""));
        }
        return json.append(']').toString();
    }

    Figures simulate(String label, List<Arrival> arrivals, boolean pools) throws IOException {
        MutableClock clock = new MutableClock(START);
        GitLabWorld gitlab = new GitLabWorld(new Random(1), 0, 0, TestSecrets.GITLAB_API_TOKEN);
        if (wireMock != null) {
            wireMock.stop();
        }
        wireMock = new WireMockServer(options().dynamicPort().extensions(gitlab));
        wireMock.start();
        wireMock.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        FakeEcs fakeEcs = new FakeEcs(2, FakeEcs.Faults.NONE, true, clock);
        FakeSqs sqs = new FakeSqs(clock, Duration.ofSeconds(360));
        // The production wiring of the webhook's, the scaler's and the keeper's containers (FunctionWiring, as
        // their no-arg constructors build it), with the shipped clients and retry strategies; only the HTTP
        // client differs: ECS, SQS and Secrets Manager are answered in-process on the virtual clock, GitLab by
        // GitLabWorld on WireMock. Without faults no call is retried, so no backoff sleeps on the wall clock.
        SdkHttpClient aws = new ServiceRoutingHttpClient(fakeEcs, new FakeSecretsManager(Map.of(
                "glfs/webhook-token", TestSecrets.WEBHOOK_TOKEN, "glfs/gitlab-api-token", TestSecrets.GITLAB_API_TOKEN)))
                .route(ServiceRoutingHttpClient.SQS, sqs);
        AwsTarget target = AwsTarget.of(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDWARMDAY",
                "AWS_SECRET_ACCESS_KEY", "warm-day-secret"));
        Map<String, String> variables = Map.of(
                "JOB_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/glfs-jobs",
                "WEBHOOK_TOKEN_SECRET", "glfs/webhook-token",
                "GITLAB_URL", wireMock.baseUrl(),
                "GITLAB_TOKEN_SECRET", "glfs/gitlab-api-token",
                "ENVIRONMENTS", environmentsJson(pools));
        Environments environments = environments(pools);
        RecordingMetrics metrics = new RecordingMetrics();
        WebhookHandler webhook = WebhookHandler.wiredBy(new FunctionWiring(variables, target, aws, clock));
        ScalerHandler scaler = ScalerHandler.wiredBy(new FunctionWiring(variables, target, aws, clock), metrics);
        FunctionWiring sweeper = new FunctionWiring(variables, target, aws, clock);
        PoolKeeper keeper = new PoolKeeper(sweeper.clusterTasks(), sweeper.poolLaunches(), metrics,
                PriceTable.DEFAULT, clock);

        Map<Long, Arrival> byId = new HashMap<>();
        Map<Long, Instant> pendingSince = new LinkedHashMap<>();
        Map<Long, Double> queued = new HashMap<>();
        Map<Long, Double> controlPlane = new HashMap<>();
        Map<String, Runner> runners = new LinkedHashMap<>();
        int warmTakes = 0;
        int aliveAfter = 0;
        int next = 0;
        long lastKeeperMinute = -1;
        Instant checkAliveAt = WINDOW_END.plus(IDLE_TIMEOUT);
        while (clock.instant().isBefore(END)) {
            Instant now = clock.instant();
            // GitLab: new jobs become pending and their webhook is delivered.
            List<Long> delivered = new ArrayList<>();
            while (next < arrivals.size() && !arrivals.get(next).at().isAfter(now)) {
                Arrival a = arrivals.get(next++);
                byId.put(a.jobId(), a);
                GitLabWorld.Job job = new GitLabWorld.Job(100, a.jobId(), a.env());
                gitlab.add(job);
                pendingSince.put(a.jobId(), now);
                long t0 = System.nanoTime();
                assertThat(HandlerInvocations.deliver(webhook, a.jobId(), "pending", 100, "warm-day-" + a.jobId(),
                        "2026-12-01 08:00:00 UTC")).isEqualTo(202);
                controlPlane.merge(a.jobId(), (System.nanoTime() - t0) / 1e6, Double::sum);
                delivered.add(a.jobId());
            }
            // The scaler drains the queue (Lambda polls it continuously).
            for (List<FakeSqs.Received> batch = sqs.receive(10); !batch.isEmpty(); batch = sqs.receive(10)) {
                long t0 = System.nanoTime();
                java.util.Set<String> failed = HandlerInvocations.invoke(scaler, batch);
                double ms = (System.nanoTime() - t0) / 1e6;
                for (FakeSqs.Received m : batch) {
                    long jobId = Json.MAPPER.readTree(m.body()).path("jobId").asLong();
                    controlPlane.merge(jobId, ms, Double::sum);
                    if (!failed.contains(m.messageId())) {
                        sqs.delete(m.receiptHandle());
                    }
                }
            }
            // The keeper, once a minute.
            long minute = now.getEpochSecond() / 60;
            if (pools && minute != lastKeeperMinute) {
                lastKeeperMinute = minute;
                keeper.keep(environments, Budget.UNLIMITED);
            }
            for (FakeEcs.Task task : fakeEcs.tasks()) {
                runners.computeIfAbsent(task.arn, arn -> new Runner(task));
            }
            // The runners: finish, take, or give up waiting.
            for (Runner r : runners.values()) {
                if (r.gone) {
                    continue;
                }
                if (r.job != null && !now.isBefore(r.doneAt)) {
                    gitlab.job(r.job).status = "success";
                    fakeEcs.stop(r.task.arn);
                    r.gone = true;
                } else if (r.job == null && !now.isBefore(r.readyAt)
                        && Duration.between(r.readyAt, now).toSeconds() % RUNNER_CHECK_SECONDS == 0) {
                    Long take = pendingSince.entrySet().stream()
                            .filter(e -> byId.get(e.getKey()).env().equals(r.env)).map(Map.Entry::getKey)
                            .findFirst().orElse(null);
                    if (take != null) {
                        pendingSince.remove(take);
                        gitlab.job(take).status = "running";
                        queued.put(take, (double) Duration.between(byId.get(take).at(), now).toSeconds());
                        r.job = take;
                        r.doneAt = now.plus(byId.get(take).runs());
                        if (r.pool) {
                            warmTakes++;
                        }
                    } else if (!now.isBefore(r.idleUntil)) {
                        fakeEcs.stop(r.task.arn);
                        r.gone = true;
                    }
                }
            }
            if (now.equals(checkAliveAt)) {
                aliveAfter = (int) runners.values().stream().filter(r -> r.pool && !r.gone).count();
            }
            clock.advance(Duration.ofSeconds(1));
        }

        // Figures.
        double perHour = PoolCost.perTaskHour(environments.all().get(0).costHints(),
                environments.all().get(0).launchMode(), PriceTable.DEFAULT).orElseThrow();
        double poolCost = 0;
        double allCost = 0;
        double outside = 0;
        int poolTasks = 0;
        int poolStartedOutside = 0;
        Map<Long, Integer> ownTasks = new HashMap<>();
        for (Runner r : runners.values()) {
            Instant stopped = r.task.stoppedAt != null ? r.task.stoppedAt : END;
            double hours = Duration.between(r.task.createdAt, stopped).toMillis() / 3_600_000.0;
            allCost += hours * perHour;
            if (r.pool) {
                poolTasks++;
                poolCost += hours * perHour;
                Instant from = r.task.createdAt.isAfter(WINDOW_END) ? r.task.createdAt : WINDOW_END;
                if (stopped.isAfter(from)) {
                    outside += Duration.between(from, stopped).toSeconds();
                }
                if (r.task.createdAt.isBefore(WINDOW_START) || !r.task.createdAt.isBefore(WINDOW_END)) {
                    poolStartedOutside++;
                }
            } else {
                TaskNaming.parseStartedBy(r.task.startedBy).ifPresent(j -> ownTasks.merge(j.jobId(), 1, Integer::sum));
            }
        }
        List<Double> inWindow = new ArrayList<>();
        for (Map.Entry<Long, Double> e : queued.entrySet()) {
            Instant at = byId.get(e.getKey()).at();
            if (!at.isBefore(WINDOW_START) && at.isBefore(WINDOW_END)) {
                inWindow.add(e.getValue());
            }
        }
        int duplicated = (int) ownTasks.values().stream().filter(n -> n > 1).count();
        int lost = arrivals.size() - queued.size();
        return new Figures(label, List.copyOf(queued.values()), inWindow, List.copyOf(controlPlane.values()),
                arrivals.size(), runners.size(), poolTasks, warmTakes, poolCost, allCost, outside, poolStartedOutside,
                aliveAfter, duplicated, lost);
    }
}
