package dev.fargatescaler.domain.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.launch.EcsTasks;
import dev.fargatescaler.domain.launch.LaunchResult;
import dev.fargatescaler.domain.launch.TaskLaunch;
import dev.fargatescaler.domain.lifecycle.Budget;
import dev.fargatescaler.domain.lifecycle.ClusterTasks;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.report.PriceTable;
import dev.fargatescaler.domain.task.TaskNaming;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolKeeperTest {

    /** Tuesday 1 December 2026, 10:00:20 in Rome (UTC+1): inside the Mon-Fri 08:00-19:00 window. */
    static final Instant IN_WINDOW = Instant.parse("2026-12-01T09:00:20Z");
    static final Instant AFTER_WINDOW = Instant.parse("2026-12-01T18:00:20Z");

    static Environments environments(int size, int maxConcurrentTasks) {
        return EnvironmentParser.parseArray("""
                [{"name":"dev","tags":["dev"],"cluster":"glfs-dev","taskDefinition":"glfs-dev-runner",
                  "subnets":["subnet-0123456789abcdef0"],"securityGroups":["sg-0123456789abcdef0"],
                  "maxConcurrentTasks":%d,"cost":{"cpu":1024,"memoryMiB":2048,"architecture":"ARM64"},
                  "warmPool":{"size":%d,"idleTimeout":"PT10M","timeZone":"Europe/Rome",
                              "windows":[{"days":"MON-FRI","from":"08:00","to":"19:00"}]}},
                 {"name":"staging","tags":["staging"],"cluster":"glfs-dev","taskDefinition":"glfs-staging-runner",
                  "subnets":["subnet-0123456789abcdef0"],"securityGroups":["sg-0123456789abcdef0"]}]"""
                .formatted(maxConcurrentTasks, size), "test");
    }

    static ClusterTasks.Task task(String startedBy, String lastStatus) {
        return new ClusterTasks.Task("arn:aws:ecs:eu-south-1:123456789012:task/glfs-dev/" + startedBy.hashCode(),
                startedBy, "glfs:" + startedBy.split("/")[1], lastStatus, "RUNNING", IN_WINDOW.minusSeconds(300),
                null);
    }

    static final class Clusters implements ClusterTasks {
        final List<Task> tasks = new ArrayList<>();
        boolean failing;

        @Override
        public List<Task> ourTasks(dev.fargatescaler.domain.environment.Environment environment) {
            if (failing) {
                throw new RetryableException("Throttling", "ListTasks throttled");
            }
            return List.copyOf(tasks);
        }

        @Override
        public void stop(dev.fargatescaler.domain.environment.Environment environment, String taskArn, String reason) {
            throw new AssertionError("the keeper never stops a task");
        }
    }

    /** ECS RunTask with clientToken idempotency: a token seen before returns its task, and starts none. */
    static final class Ecs implements EcsTasks {
        final Map<String, TaskLaunch> byToken = new LinkedHashMap<>();
        final Clusters clusters;

        Ecs(Clusters clusters) {
            this.clusters = clusters;
        }

        @Override
        public LaunchResult runTask(TaskLaunch launch) {
            if (byToken.putIfAbsent(launch.clientToken(), launch) == null) {
                clusters.tasks.add(task(launch.startedBy(), "PROVISIONING"));
            }
            return new LaunchResult.Started("arn:task/" + launch.clientToken());
        }

        @Override
        public int countActiveTasks(Environment environment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean hasActiveTask(Environment environment, String startedBy) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean hasStopped(Environment environment, String taskArn) {
            throw new UnsupportedOperationException();
        }
    }

    final Clusters clusters = new Clusters();
    final Ecs ecs = new Ecs(clusters);
    final RecordingMetrics metrics = new RecordingMetrics();

    PoolKeeper keeper(Instant now) {
        return new PoolKeeper(clusters, ecs, metrics, PriceTable.DEFAULT, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void inAWindowTheKeeperStartsThePoolAsRunSingleTasksWithTheIdleTimeout() {
        PoolKeeper.Result result = keeper(IN_WINDOW).keep(environments(2, 10), Budget.UNLIMITED);

        assertThat(result.started()).isEqualTo(Map.of("dev"  , 2));
        assertThat(ecs.byToken.values()).hasSize(2).allSatisfy(launch -> {
            assertThat(TaskNaming.poolEnvironment(launch.startedBy())).contains("dev");
            assertThat(launch.group()).isEqualTo("glfs:dev");
            assertThat(launch.containerEnvironment()).containsEntry("RUNNER_WAIT_TIMEOUT", "600")
                    .containsEntry("GLFS_WARM_POOL", "true");
            assertThat(launch.tags()).containsEntry("glfs:warm-pool", "true");
        });
        assertThat(metrics.sum("WarmPoolLaunched", "Environment", "dev")).isEqualTo(2);
    }

    @Test
    void aRunRetriedInTheSameMinuteStartsNothingNew() {
        keeper(IN_WINDOW).keep(environments(2, 10), Budget.UNLIMITED);
        clusters.tasks.clear(); // ECS's list lags behind: the keeper believes the pool is empty

        keeper(IN_WINDOW.plusSeconds(30)).keep(environments(2, 10), Budget.UNLIMITED);

        assertThat(ecs.byToken).as("same minute, same slots, same client tokens").hasSize(2);
    }

    @Test
    void poolTasksThatEndedAreReplacedAndRunningOnesCounted() {
        clusters.tasks.add(task(TaskNaming.poolStartedBy("dev", 1, 1), "RUNNING"));
        clusters.tasks.add(task(TaskNaming.startedBy("dev", 42, 7), "RUNNING"));

        PoolDecision decision = PoolKeeper.decide(environments(3, 10).all().get(0), clusters.tasks, IN_WINDOW, 20);

        assertThat(decision).isEqualTo(new PoolDecision(1, 1, 2, 3, 2, "TopUp"));
    }

    @Test
    void aPoolTaskOlderThanTheIdleTimeoutIsReplacedBeforeItLeavesAGap() {
        // Created 300 s before IN_WINDOW (see task()): young. One created 11 minutes ago: running a job or leaving.
        clusters.tasks.add(task(TaskNaming.poolStartedBy("dev", 1, 1), "RUNNING"));
        clusters.tasks.add(new ClusterTasks.Task("arn:aws:ecs:eu-south-1:123456789012:task/glfs-dev/old",
                TaskNaming.poolStartedBy("dev", 1, 2), "glfs:dev", "RUNNING", "RUNNING",
                IN_WINDOW.minus(Duration.ofMinutes(11)), IN_WINDOW.minus(Duration.ofMinutes(10))));

        PoolDecision decision = PoolKeeper.decide(environments(2, 10).all().get(0), clusters.tasks, IN_WINDOW, 20);

        assertThat(decision).isEqualTo(new PoolDecision(2, 1, 2, 2, 1, "TopUp"));
    }

    @Test
    void poolAndBusyTasksStayWithinMaxConcurrentTasks() {
        for (int job = 1; job <= 3; job++) {
            clusters.tasks.add(task(TaskNaming.startedBy("dev", 42, job), "RUNNING"));
        }
        clusters.tasks.add(task(TaskNaming.startedBy("staging", 42, 99), "RUNNING")); // another environment

        PoolDecision decision = PoolKeeper.decide(environments(3, 4).all().get(0), clusters.tasks, IN_WINDOW, 20);

        assertThat(decision).isEqualTo(new PoolDecision(0, 0, 3, 3, 1, "AtLimit"));
    }

    @Test
    void theLaunchRateCapsARun() {
        PoolDecision decision = PoolKeeper.decide(environments(9, 10).all().get(0), List.of(), IN_WINDOW, 4);

        assertThat(decision.toStart()).isEqualTo(4);
        assertThat(decision.reason()).isEqualTo("LaunchRate");
    }

    @Test
    void outsideTheWindowNothingIsStartedAndNothingStopped() {
        clusters.tasks.add(task(TaskNaming.poolStartedBy("dev", 1, 1), "RUNNING"));

        PoolKeeper.Result result = keeper(AFTER_WINDOW).keep(environments(2, 10), Budget.UNLIMITED);

        assertThat(result.decisions().get("dev")).isEqualTo(new PoolDecision(1, 0, 1, 0, 0, "OutsideWindow"));
        assertThat(ecs.byToken).isEmpty();
    }

    @Test
    void nearTheWindowsEndPoolTasksWaitOnlyUntilItEnds() {
        // 18:55:20 in Rome: the run's minute starts at 18:55, the window ends at 19:00.
        keeper(Instant.parse("2026-12-01T17:55:20Z")).keep(environments(1, 10), Budget.UNLIMITED);

        assertThat(ecs.byToken.values()).singleElement()
                .satisfies(l -> assertThat(l.containerEnvironment()).containsEntry("RUNNER_WAIT_TIMEOUT", "300"));
    }

    @Test
    void aClusterThatCannotBeListedStartsNothing() {
        clusters.failing = true;

        PoolKeeper.Result result = keeper(IN_WINDOW).keep(environments(2, 10), Budget.UNLIMITED);

        assertThat(result.started()).isEmpty();
        assertThat(metrics.sum("WarmPoolListFailed", "Environment", "dev")).isEqualTo(1);
    }

    @Test
    void theCostPerDayIsRecordedUpFront() {
        keeper(IN_WINDOW).keep(environments(2, 10), Budget.UNLIMITED);

        // 2 tasks x 11 h x (1 vCPU x 0.03238 + 2 GB x 0.00356) USD/h (arm64 defaults) = 22 x 0.0395 = 0.869
        assertThat(metrics.sum("WarmPoolCostPerDay", "Environment", "dev")).isEqualTo(0.869);
        Environment dev = environments(2, 10).all().get(0);
        assertThat(PoolCost.perWeek(dev, PriceTable.DEFAULT)).contains(4.345);
        assertThat(PoolCost.perDay(dev, PriceTable.DEFAULT, Instant.parse("2026-12-05T10:00:00Z"))).contains(0.0);
    }

    @Test
    void aJobTaskLaunchedDuringAWindowWaitsAsLongAsAPoolTask() {
        Environment dev = environments(2, 10).all().get(0);
        assertThat(dev.warmPool().idleWait(IN_WINDOW, PoolKeeper.MIN_IDLE_WAIT)).contains(Duration.ofMinutes(10));
    }
}
