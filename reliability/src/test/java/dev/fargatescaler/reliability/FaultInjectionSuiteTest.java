package dev.fargatescaler.reliability;

import dev.fargatescaler.testkit.MutableClock;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.launch.EcsTasks;
import dev.fargatescaler.domain.launch.JobLauncher;
import dev.fargatescaler.domain.launch.LaunchResult;
import dev.fargatescaler.domain.launch.TaskLaunch;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.pool.PoolKeeper;
import dev.fargatescaler.domain.report.PriceTable;
import dev.fargatescaler.domain.task.TaskNaming;
import dev.fargatescaler.domain.webhook.RecentDeliveries;
import dev.fargatescaler.domain.webhook.WebhookAuthenticator;
import dev.fargatescaler.domain.webhook.WebhookIntake;
import dev.fargatescaler.scaler.ScalerHandler;
import dev.fargatescaler.shared.aws.ClientSettings;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import dev.fargatescaler.shared.aws.EcsClusterTasks;
import dev.fargatescaler.shared.aws.EcsTaskLauncher;
import dev.fargatescaler.shared.gitlab.GitLabHttpApi;
import dev.fargatescaler.testkit.TestSecrets;
import dev.fargatescaler.testkit.fake.FakeEcs;
import dev.fargatescaler.testkit.fake.FakeSqs;
import dev.fargatescaler.webhook.WebhookHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Nothing lost, nothing duplicated, under the faults real systems show. Every job of a simulated GitLab is
 * pushed through the real webhook handler and the real scaler handler (with the real GitLab HTTP adapter against
 * WireMock and the real ECS adapter and SDK against {@link FakeEcs}), with:
 * <ul>
 *   <li>each pending webhook delivered one to three times, shuffled and interleaved with running, success and
 *       canceled events;</li>
 *   <li>ECS: throttling on 30% of calls, 5xx on 5%, capacity {@code failures[]} on 10% of RunTask calls, and no
 *       clientToken deduplication (as in moto; real ECS is kinder);</li>
 *   <li>GitLab: 429 with Retry-After on 5% and 5xx on 5% of calls;</li>
 *   <li>the scaler crashing mid-batch on 5% of invocations (after it started a task, before it could answer);</li>
 *   <li>SQS redelivering 3% of received messages while they are still in flight;</li>
 *   <li>environment capacity limits low enough that jobs wait for capacity.</li>
 * </ul>
 * Time is virtual, so hours of backoff run in seconds. Sized by {@code -Dreliability.jobs} (1,000 in the build;
 * bench/reliability-soak.sh runs more).
 */
class FaultInjectionSuiteTest {

    static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
    static final String[] ENVIRONMENTS = {"dev", "staging", "production"};
    static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(360);
    static final int MAX_RECEIVE_COUNT = 8;

    /** An invocation that dies half-way (timeout, out of memory, a bug): Lambda deletes nothing. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash of the scaler", null, false, false);
        }
    }

    /** The real ECS adapter, with a crash switch: armed, it dies right after a successful RunTask. */
    static final class CrashingEcs implements EcsTasks {
        final EcsTasks delegate;
        volatile boolean armed;
        int crashes;

        CrashingEcs(EcsTasks delegate) {
            this.delegate = delegate;
        }

        @Override
        public int countActiveTasks(Environment environment) {
            return delegate.countActiveTasks(environment);
        }

        @Override
        public boolean hasActiveTask(Environment environment, String startedBy) {
            return delegate.hasActiveTask(environment, startedBy);
        }

        @Override
        public boolean hasStopped(Environment environment, String taskArn) {
            return delegate.hasStopped(environment, taskArn);
        }

        @Override
        public LaunchResult runTask(TaskLaunch launch) {
            LaunchResult result = delegate.runTask(launch);
            if (armed && result instanceof LaunchResult.Started) {
                armed = false;
                crashes++;
                throw new SimulatedCrash();
            }
            return result;
        }
    }

    record Delivery(Instant at, long jobId, String status, String idempotencyKey) {
    }

    WireMockServer wireMock;

    @AfterEach
    void stopWireMock() {
        if (wireMock != null) {
            wireMock.stop();
        }
        Configurator.setLevel("dev.fargatescaler", Level.INFO);
    }

    @Test
    void everyPendingJobGetsExactlyOneTaskAndNothingIsLost() throws IOException {
        run(false);
    }

    /**
     * The same, with a warm pool in every environment (docs/warm-pool.md): the keeper (on the same faulty ECS)
     * tops the pools up every minute, pool tasks take pending jobs of their environment, and a job task whose job
     * a warm runner took becomes an idle runner. Still no job lost, none started twice, none with two tasks of its
     * own, none in the wrong environment.
     */
    @Test
    void withWarmPoolsNoJobIsLostOrRunTwice() throws IOException {
        run(true);
    }

    private void run(boolean pools) throws IOException {
        int jobCount = Integer.getInteger("reliability.jobs", 1000);
        long seed = Long.getLong("reliability.seed", 20261128L);
        long realStart = System.nanoTime();
        // Tens of thousands of decisions: keep the log to warnings (decisions are asserted through metrics).
        Configurator.setLevel("dev.fargatescaler", Level.WARN);
        Random random = new Random(seed);
        MutableClock clock = new MutableClock(START);

        // GitLab: the world's truth, served through WireMock with 429s and 5xx.
        GitLabWorld gitlab = new GitLabWorld(new Random(seed + 1), 0.05, 0.05, TestSecrets.GITLAB_API_TOKEN);
        wireMock = new WireMockServer(options().dynamicPort().extensions(gitlab));
        wireMock.start();
        wireMock.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        GitLabHttpApi gitLabApi = new GitLabHttpApi(GitLabHttpApi.defaultHttpClient(),
                URI.create(wireMock.baseUrl()), () -> TestSecrets.GITLAB_API_TOKEN, Duration.ofSeconds(5), clock);

        // ECS: the real adapter and SDK on FakeEcs, which throttles, fails and runs out of capacity.
        // On the suite's virtual clock, like every other actor, so that tasks are created after their job was queued.
        FakeEcs fakeEcs = new FakeEcs(seed + 2, new FakeEcs.Faults(0.30, 0.05, 0.10), false, clock);
        EcsClient ecsClient = EcsClient.builder().httpClient(fakeEcs).region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://fake-ecs.invalid"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                // The shipped number of attempts (ClientSettings.ECS_LAUNCHES: 10), with two deviations because time
                // is virtual here: no backoff sleep between attempts, and standard instead of adaptive mode, whose
                // client-side rate limiter sleeps on the wall clock (it made this suite run for minutes). The
                // shipped client itself is exercised by ScalerCapacityMotoTest and the burst benchmark. (Not
                // retryStrategy(mode) followed by retryStrategy(b -> ...): in SDK 2.57.8 the second call drops
                // the mode and yields LEGACY, see ClientSettings.)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(ClientSettings.ECS_LAUNCHES.retryStrategy().get().maxAttempts())
                        .backoffStrategy(BackoffStrategy.retryImmediately())
                        .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                        .build())).build();
        CrashingEcs ecs = new CrashingEcs(new EcsTaskLauncher(ecsClient));

        // With pools: a window covering the whole simulated time (28 November 2026 is a Saturday).
        String pool = pools ? """
                ,"warmPool":{"size":3,"idleTimeout":"PT10M","timeZone":"UTC",
                             "windows":[{"days":"MON-SUN","from":"00:00","to":"24:00"}]}""" : "";
        Environments environments = EnvironmentParser.parseArray("""
                [{"name":"dev","tags":["dev"],"cluster":"glfs-dev","taskDefinition":"glfs-runner-dev",
                  "subnets":["subnet-0d0d0d0d"],"securityGroups":["sg-0d0d0d0d"],"maxConcurrentTasks":60,
                  "launchMode":{"type":"FARGATE_SPOT","spotFallbackToOnDemand":true}%s},
                 {"name":"staging","tags":["staging"],"cluster":"glfs-staging","taskDefinition":"glfs-runner-staging",
                  "subnets":["subnet-05050505"],"securityGroups":["sg-05050505"],"maxConcurrentTasks":40%s},
                 {"name":"production","tags":["production"],"cluster":"glfs-production",
                  "taskDefinition":"glfs-runner-production:7","subnets":["subnet-0f0f0f0f"],
                  "securityGroups":["sg-0f0f0f0f"],"maxConcurrentTasks":20%s}]
                """.formatted(pool, pool, pool), "reliability suite");
        // The keeper on the sweeper's adapters, against the same faulty ECS.
        PoolKeeper keeper = new PoolKeeper(new EcsClusterTasks(ecsClient), new EcsTaskLauncher(ecsClient),
                new RecordingMetrics(), PriceTable.DEFAULT, clock);

        SimulatedSqs sqs = new SimulatedSqs(clock, new Random(seed + 3), VISIBILITY_TIMEOUT, MAX_RECEIVE_COUNT, 0.03);
        RecordingMetrics metrics = new RecordingMetrics();
        ScalerHandler scaler = new ScalerHandler(new JobLauncher(environments, gitLabApi, ecs, sqs, sqs, metrics,
                clock, new Backoff(new SplittableRandom(seed + 4)), MAX_RECEIVE_COUNT - 2), metrics);
        WebhookHandler webhook = new WebhookHandler(new WebhookIntake(
                new WebhookAuthenticator(() -> TestSecrets.WEBHOOK_TOKEN, null, clock), sqs, metrics,
                new RecentDeliveries(10_000, Duration.ofMinutes(5), clock)), metrics, clock);

        // The jobs: 10% canceled and 5% finished elsewhere before any task could start; the rest stay pending
        // until a task of ours runs them.
        Set<Long> mustNotRun = new HashSet<>();
        List<Delivery> deliveries = new ArrayList<>();
        for (long id = 1; id <= jobCount; id++) {
            String env = ENVIRONMENTS[(int) (id % ENVIRONMENTS.length)];
            GitLabWorld.Job job = new GitLabWorld.Job(100 + id % 7, 10_000 + id, env);
            gitlab.add(job);
            double fate = random.nextDouble();
            Instant firstSeen = START.plusMillis((long) (random.nextDouble() * jobCount * 200));
            if (fate < 0.10) {
                job.status = "canceled";
                mustNotRun.add(job.id);
                deliveries.add(new Delivery(firstSeen.plusSeconds(random.nextInt(5)), job.id, "canceled", null));
            } else if (fate < 0.15) {
                job.status = "success";
                mustNotRun.add(job.id);
                deliveries.add(new Delivery(firstSeen.plusSeconds(random.nextInt(5)), job.id, "running", null));
                deliveries.add(new Delivery(firstSeen.plusSeconds(random.nextInt(9)), job.id, "success", null));
            }
            String key = "idem-" + job.id;
            int copies = 1 + random.nextInt(3);
            for (int c = 0; c < copies; c++) {
                // Retries and resends of one delivery carry the same Idempotency-Key; some arrive much later.
                deliveries.add(new Delivery(firstSeen.plusSeconds(c == 0 ? 0 : random.nextInt(900)), job.id,
                        "pending", key));
            }
            if (random.nextDouble() < 0.2) {
                deliveries.add(new Delivery(firstSeen.minusSeconds(1), job.id, "created", null));
            }
        }
        Collections.shuffle(deliveries, random);
        deliveries.sort((a, b) -> a.at().compareTo(b.at()));

        // The runners: a task takes its job 40 s after launch and finishes it 1 to 10 minutes later. With pools, a
        // task takes the first pending job of its environment (a pool task has no job of its own; a job task whose
        // job a warm runner took becomes an idle runner), and waits up to its idle timeout for one.
        record RunnerEvent(Instant at, String taskArn, long jobId, boolean finish) {
        }
        Map<Long, Integer> runs = new HashMap<>();
        int warmTakes = 0;
        long lastKeeperMinute = -1;
        PriorityQueue<RunnerEvent> runnerEvents = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
        Set<String> seenTasks = new HashSet<>();
        Map<String, Integer> httpStatuses = new LinkedHashMap<>();

        int next = 0;
        int invocations = 0;
        int crashedInvocations = 0;
        long guard = 0;
        while (guard++ < 5_000_000) {
            Instant now = clock.instant();
            while (next < deliveries.size() && !deliveries.get(next).at().isAfter(now)) {
                int status = deliver(webhook, deliveries.get(next++));
                httpStatuses.merge(Integer.toString(status), 1, Integer::sum);
                assertThat(status).isLessThan(500);
            }
            if (pools && now.getEpochSecond() / 60 != lastKeeperMinute) {
                lastKeeperMinute = now.getEpochSecond() / 60;
                keeper.keep(environments, dev.fargatescaler.domain.lifecycle.Budget.UNLIMITED);
            }
            while (!runnerEvents.isEmpty() && !runnerEvents.peek().at().isAfter(now)) {
                RunnerEvent event = runnerEvents.poll();
                GitLabWorld.Job job = event.jobId() > 0 ? gitlab.job(event.jobId()) : null;
                if (!event.finish() && pools && (job == null || !"pending".equals(job.status))) {
                    String env = fakeEcs.tasks().stream().filter(t -> t.arn.equals(event.taskArn())).findFirst()
                            .orElseThrow().group.substring(TaskNaming.GROUP_PREFIX.length());
                    GitLabWorld.Job other = gitlab.jobs().stream()
                            .filter(j -> j.tag.equals(env) && "pending".equals(j.status))
                            .min(java.util.Comparator.comparingLong(j -> j.id)).orElse(null);
                    if (other != null) {
                        other.status = "running";
                        runs.merge(other.id, 1, Integer::sum);
                        if (job == null) {
                            warmTakes++;
                        }
                        runnerEvents.add(new RunnerEvent(now.plusSeconds(60 + random.nextInt(540)), event.taskArn(),
                                other.id, true));
                    } else {
                        // No job: the idle timeout passes (pool tasks and, in a window, job tasks wait 10 min).
                        runnerEvents.add(new RunnerEvent(now.plusSeconds(600), event.taskArn(), 0, true));
                    }
                    continue;
                }
                if (event.finish() && job == null) {
                    fakeEcs.stop(event.taskArn());
                    continue;
                }
                if (!event.finish()) {
                    if ("pending".equals(job.status)) {
                        job.status = "running";
                        runs.merge(job.id, 1, Integer::sum);
                        runnerEvents.add(new RunnerEvent(now.plusSeconds(60 + random.nextInt(540)), event.taskArn(),
                                event.jobId(), true));
                    } else {
                        // Nothing to take: run-single exits after its wait timeout.
                        runnerEvents.add(new RunnerEvent(now.plusSeconds(180), event.taskArn(), event.jobId(), true));
                    }
                } else {
                    if ("running".equals(job.status)) {
                        job.status = "success";
                    }
                    fakeEcs.stop(event.taskArn());
                }
            }

            boolean worked = false;
            for (int concurrent = 0; concurrent < 3; concurrent++) {
                List<FakeSqs.Received> batch = sqs.receive(10);
                if (batch.isEmpty()) {
                    break;
                }
                worked = true;
                invocations++;
                ecs.armed = random.nextDouble() < 0.05;
                try {
                    Set<String> failed = HandlerInvocations.invoke(scaler, batch);
                    for (FakeSqs.Received m : batch) {
                        if (!failed.contains(m.messageId())) {
                            sqs.delete(m.receiptHandle());
                        }
                    }
                } catch (SimulatedCrash crash) {
                    crashedInvocations++;
                }
                ecs.armed = false;
            }
            for (FakeEcs.Task task : fakeEcs.tasks()) {
                if (seenTasks.add(task.arn)) {
                    long jobId = TaskNaming.parseStartedBy(task.startedBy).map(TaskNaming.JobTask::jobId).orElse(0L);
                    runnerEvents.add(new RunnerEvent(clock.instant().plusSeconds(40), task.arn, jobId, false));
                }
            }
            if (worked) {
                clock.advance(Duration.ofSeconds(1));
                continue;
            }
            List<Instant> upcoming = new ArrayList<>();
            if (next < deliveries.size()) {
                upcoming.add(deliveries.get(next).at());
            }
            if (!runnerEvents.isEmpty()) {
                upcoming.add(runnerEvents.peek().at());
            }
            if (pools && (next < deliveries.size() || !sqs.nextVisibleAt().isEmpty()
                    || gitlab.jobs().stream().anyMatch(j -> "pending".equals(j.status)))) {
                upcoming.add(Instant.ofEpochSecond((clock.instant().getEpochSecond() / 60 + 1) * 60));
            }
            sqs.nextVisibleAt().ifPresent(upcoming::add);
            if (upcoming.isEmpty()) {
                break;
            }
            Instant wake = Collections.min(upcoming);
            clock.advanceTo(wake.isAfter(clock.instant()) ? wake : clock.instant().plusSeconds(1));
        }

        // Outcome per job.
        Map<Long, Integer> tasksPerJob = new HashMap<>();
        Map<Long, String> clusterOfJob = new HashMap<>();
        int poolTasks = 0;
        for (FakeEcs.Task task : fakeEcs.tasks()) {
            if (TaskNaming.isPoolTask(task.startedBy)) {
                poolTasks++;
                continue;
            }
            long jobId = TaskNaming.parseStartedBy(task.startedBy).orElseThrow().jobId();
            tasksPerJob.merge(jobId, 1, Integer::sum);
            clusterOfJob.put(jobId, task.cluster);
        }
        int ranTwice = (int) runs.values().stream().filter(n -> n > 1).count();
        int duplicated = 0;
        int lost = 0;
        int wronglyStarted = 0;
        int misrouted = 0;
        for (GitLabWorld.Job job : gitlab.jobs()) {
            int count = tasksPerJob.getOrDefault(job.id, 0);
            if (mustNotRun.contains(job.id)) {
                wronglyStarted += count;
            } else {
                duplicated += Math.max(0, count - 1);
                // With pools a warm runner may take a job before the scaler launches its task: then it has none.
                if ((count == 0 && !pools) || !"success".equals(job.status)) {
                    lost++;
                }
                if (count > 0 && !clusterOfJob.get(job.id).endsWith("cluster/glfs-" + job.tag)) {
                    misrouted++;
                }
            }
        }
        int launched = fakeEcs.tasks().size() - poolTasks;
        double realSeconds = (System.nanoTime() - realStart) / 1e9;
        String report = String.format(
                "reliability: jobs=%d (must run %d, canceled/finished before launch %d), webhook deliveries=%d %s, "
                        + "scaler invocations=%d (crashed %d), SQS redeliveries=%d, visibility changes=%d, "
                        + "ECS faults injected: throttling=%d 5xx=%d capacity=%d (RunTask calls %d), "
                        + "GitLab faults injected: 429=%d 5xx=%d (of %d calls), tasks launched=%d, lost=%d, "
                        + "duplicated=%d, started for finished/canceled jobs=%d, misrouted=%d, dead-lettered=%d, "
                        + "virtual time=%s, real time=%.1f s, seed=%d, pools=%s (pool tasks %d, jobs taken warm %d, "
                        + "run twice %d)",
                jobCount, jobCount - mustNotRun.size(), mustNotRun.size(), deliveries.size(), httpStatuses,
                invocations, crashedInvocations, sqs.redeliveries(), sqs.visibilityChanges(),
                fakeEcs.injected("Throttling"), fakeEcs.injected("ServerError"), fakeEcs.injected("Capacity"),
                fakeEcs.calls("RunTask"), gitlab.injected429(), gitlab.injected5xx(), gitlab.calls(), launched, lost,
                duplicated, wronglyStarted, misrouted, sqs.deadLetters().size(),
                Duration.between(START, clock.instant()), realSeconds, seed, pools, poolTasks, warmTakes, ranTwice);
        System.out.println(report);
        Path out = Path.of("target", pools ? "reliability-report-pools.txt" : "reliability-report.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report + System.lineSeparator(), StandardCharsets.UTF_8);

        assertThat(guard).as("the simulation settled").isLessThan(5_000_000);
        assertThat(next).as("every delivery was made").isEqualTo(deliveries.size());
        assertThat(sqs.depth()).as("queue drained").isZero();
        assertThat(sqs.deadLetters()).as("dead-letter queue").isEmpty();
        assertThat(lost).as("jobs lost").isZero();
        assertThat(duplicated).as("jobs with more than one task").isZero();
        assertThat(wronglyStarted).as("tasks for jobs that finished or were canceled before launch").isZero();
        assertThat(misrouted).as("tasks in the wrong environment").isZero();
        assertThat(ranTwice).as("jobs run twice").isZero();
        if (pools) {
            assertThat(poolTasks).as("the keeper started pool tasks").isPositive();
            assertThat(warmTakes).as("warm runners took jobs").isPositive();
            assertThat(launched).isLessThanOrEqualTo(jobCount - mustNotRun.size());
        } else {
            assertThat(launched).isEqualTo(jobCount - mustNotRun.size());
        }

        // The faults really happened.
        assertThat(fakeEcs.injected("Throttling")).isPositive();
        assertThat(fakeEcs.injected("ServerError")).isPositive();
        assertThat(fakeEcs.injected("Capacity")).isPositive();
        assertThat(gitlab.injected429()).isPositive();
        assertThat(gitlab.injected5xx()).isPositive();
        assertThat(crashedInvocations).isPositive();
        assertThat(sqs.redeliveries()).isPositive();

        // The metrics tell the same story as the world. A crash right after RunTask loses that launch's metric
        // (the redelivered message is then counted as AlreadyLaunched), exactly as in Lambda.
        assertThat(metrics.sum("Launched") + ecs.crashes).as("Launched metric + launches lost to crashes")
                .isEqualTo(launched);
        assertThat(metrics.sum("AlreadyLaunched")).isGreaterThanOrEqualTo(ecs.crashes);
        assertThat(metrics.sum("WebhookQueued") + metrics.sum("Requeued")).as("messages queued")
                .isEqualTo(sqs.sent());
        assertThat(metrics.sum("WebhookReceived")).isEqualTo(deliveries.size());
        assertThat(metrics.sum("WebhookRejected")).isZero();
        if (pools) {
            // Jobs a warm runner took before the scaler looked are NoLongerPending, not launched.
            return;
        }
        for (String env : ENVIRONMENTS) {
            long expected = gitlab.jobs().stream()
                    .filter(j -> j.tag.equals(env) && !mustNotRun.contains(j.id)).count();
            assertThat(metrics.sum("Launched", "Environment", env)).as("Launched in %s", env)
                    .isBetween((double) expected - ecs.crashes, (double) expected);
        }
        assertThat(metrics.sum("NoLongerPending")).as("NoLongerPending covers every job that must not run")
                .isGreaterThanOrEqualTo(mustNotRun.size());
    }

    private static int deliver(WebhookHandler webhook, Delivery delivery) throws IOException {
        return HandlerInvocations.deliver(webhook, delivery.jobId(), delivery.status(),
                100 + (delivery.jobId() - 10_000) % 7, delivery.idempotencyKey(), "2026-11-28 10:00:00 UTC");
    }
}
