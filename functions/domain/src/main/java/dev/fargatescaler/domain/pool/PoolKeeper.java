package dev.fargatescaler.domain.pool;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.environment.EnvironmentsSnapshot;
import dev.fargatescaler.domain.environment.WarmPool;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.launch.EcsTasks;
import dev.fargatescaler.domain.launch.LaunchResult;
import dev.fargatescaler.domain.launch.TaskLaunch;
import dev.fargatescaler.domain.lifecycle.Budget;
import dev.fargatescaler.domain.lifecycle.ClusterTasks;
import dev.fargatescaler.domain.metrics.MetricUnit;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.report.PriceTable;
import dev.fargatescaler.domain.task.TaskNaming;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each environment's warm pool (docs/warm-pool.md), once a minute, from what ECS shows: the environment's
 * tasks that are not stopped, told apart by {@code startedBy} (pool or job, {@link TaskNaming}).
 *
 * <p>The rule: inside a window, start {@code size - counted} pool tasks, where {@code counted} are the pool
 * tasks not stopped and younger (since RunTask) than the idle timeout: an older one is either running a job or
 * about to exit idle, so it is replaced now, one provisioning delay before it would leave a gap. All of it within
 * {@code maxConcurrentTasks}
 * (pool and job tasks together, the same count the scaler checks) and at most {@link #MAX_LAUNCHES_PER_RUN}
 * launches per run over all environments (Fargate's RunTask rate). Outside the windows, start none and stop
 * none: pool tasks exit by themselves when their idle wait ends (it is cut at the window's end) or after the
 * job they took. A pool task that takes a job is still counted until it ends; the task the scaler started for
 * that job (one per pending job, as always) then has nothing to run and waits, as the next idle runner, for
 * the idle timeout too, since job tasks launched during a window get the same wait.
 *
 * <p>Each launch is named by the run's minute and a slot ({@link TaskNaming#poolClientToken}), and every RunTask
 * parameter derives from them, so a run retried within the same minute gets the same tasks back from ECS
 * instead of new ones.
 */
public final class PoolKeeper {

    /** Fargate's RunTask rate is 20 per second sustained (a bucket of 100): one run stays well inside it. */
    public static final int MAX_LAUNCHES_PER_RUN = 20;
    /** The runner's own default wait (runner/entrypoint.sh); a pool task never waits less. */
    public static final Duration MIN_IDLE_WAIT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(PoolKeeper.class);

    private final ClusterTasks clusters;
    private final EcsTasks ecs;
    private final Metrics metrics;
    private final PriceTable prices;
    private final Clock clock;

    public PoolKeeper(ClusterTasks clusters, EcsTasks ecs, Metrics metrics, PriceTable prices, Clock clock) {
        this.clusters = Objects.requireNonNull(clusters);
        this.ecs = Objects.requireNonNull(ecs);
        this.metrics = Objects.requireNonNull(metrics);
        this.prices = Objects.requireNonNull(prices);
        this.clock = Objects.requireNonNull(clock);
    }

    /** What one run did: per environment with a pool, the decision and how many launches succeeded. */
    public record Result(Map<String, PoolDecision> decisions, Map<String, Integer> started) {
        public Result {
            decisions = Map.copyOf(decisions);
            started = Map.copyOf(started);
        }
    }

    /** One run with the provider's current environments; nothing when none could be loaded yet. */
    public Result keep(EnvironmentsProvider environments, Budget budget) {
        EnvironmentsSnapshot known = environments.current();
        if (!known.available()) {
            LOG.error("warm pool keeper skipped: the environments are unavailable ({})",
                    known.unavailable().getMessage());
            return new Result(Map.of(), Map.of());
        }
        return keep(known.environments(), budget);
    }

    public Result keep(Environments environments, Budget budget) {
        Instant now = clock.instant();
        long minute = now.getEpochSecond() / 60;
        Map<String, PoolDecision> decisions = new LinkedHashMap<>();
        Map<String, Integer> started = new LinkedHashMap<>();
        Map<String, List<ClusterTasks.Task>> listed = new LinkedHashMap<>();
        int launchesLeft = MAX_LAUNCHES_PER_RUN;
        for (Environment environment : environments.all()) {
            WarmPool pool = environment.warmPool();
            if (!pool.enabled()) {
                continue;
            }
            Map<String, String> dimensions = Map.of("Environment", environment.name());
            PoolCost.perDay(environment, prices, now).ifPresent(usd ->
                    metrics.record("WarmPoolCostPerDay", usd, MetricUnit.NONE, dimensions));
            if (budget.exhausted()) {
                LOG.warn("warm pool keeper stopped early: time budget spent before environment {}",
                        environment.name());
                break;
            }
            List<ClusterTasks.Task> tasks;
            try {
                // Keyed by account and cluster: environments in other accounts may reuse a cluster name.
                tasks = listed.computeIfAbsent(environment.account().accountId().orElse("") + "|"
                        + environment.cluster(), key -> clusters.ourTasks(environment));
            } catch (RetryableException | PermanentException e) {
                LOG.error("warm pool keeper cannot list tasks of environment {}: {}", environment.name(),
                        e.getMessage());
                metrics.count("WarmPoolListFailed", dimensions);
                continue;
            }
            PoolDecision decision = decide(environment, tasks, now, launchesLeft);
            decisions.put(environment.name(), decision);
            metrics.record("WarmPoolTasks", decision.poolTasks(), MetricUnit.COUNT, dimensions);
            int ok = 0;
            Duration wait = pool.idleWait(Instant.ofEpochSecond(minute * 60), MIN_IDLE_WAIT)
                    .orElse(MIN_IDLE_WAIT);
            for (int slot = 1; slot <= decision.toStart(); slot++) {
                launchesLeft--;
                if (launch(environment, minute, slot, wait)) {
                    ok++;
                }
            }
            started.put(environment.name(), ok);
            LOG.info("warm pool environment={} decision={} pool_tasks={} counted={} active_tasks={} target={} "
                            + "to_start={} started={} idle_wait_s={}", environment.name(), decision.reason(),
                    decision.poolTasks(), decision.counted(), decision.activeTasks(), decision.target(),
                    decision.toStart(), ok, wait.toSeconds());
        }
        return new Result(decisions, started);
    }

    /**
     * The rule, from observable facts only.
     *
     * @param tasks        the tasks of the environment's cluster that ECS has not decided to stop
     * @param launchesLeft launches this run may still make
     */
    public static PoolDecision decide(Environment environment, List<ClusterTasks.Task> tasks, Instant now,
                                      int launchesLeft) {
        int pool = 0;
        int counted = 0;
        int active = 0;
        WarmPool warmPool = environment.warmPool();
        for (ClusterTasks.Task task : tasks) {
            if ("STOPPED".equals(task.lastStatus()) || "STOPPED".equals(task.desiredStatus())) {
                continue;
            }
            Optional<String> poolOf = TaskNaming.poolEnvironment(task.startedBy());
            boolean ours = poolOf.map(environment.name()::equals).orElse(false)
                    || TaskNaming.parseStartedBy(task.startedBy())
                    .map(j -> j.environment().equals(environment.name())).orElse(false);
            if (!ours) {
                continue;
            }
            active++;
            if (poolOf.isPresent()) {
                pool++;
                // A task ECS reports without createdAt (emulators) counts as young.
                boolean spent = task.createdAt() != null
                        && Duration.between(task.createdAt(), now).compareTo(warmPool.idleTimeout()) >= 0;
                if (!spent) {
                    counted++;
                }
            }
        }
        if (!warmPool.activeAt(now)) {
            return new PoolDecision(pool, counted, active, 0, 0, "OutsideWindow");
        }
        int target = warmPool.size();
        int wanted = Math.max(0, target - counted);
        if (wanted == 0) {
            return new PoolDecision(pool, counted, active, target, 0, "Full");
        }
        int room = Math.max(0, environment.maxConcurrentTasks() - active);
        int toStart = Math.min(wanted, Math.min(room, Math.max(0, launchesLeft)));
        String reason = toStart == wanted ? "TopUp" : room < wanted && room <= launchesLeft ? "AtLimit"
                : "LaunchRate";
        return new PoolDecision(pool, counted, active, target, toStart, reason);
    }

    private boolean launch(Environment environment, long minute, int slot, Duration wait) {
        TaskLaunch launch = poolLaunch(environment, minute, slot, wait);
        Map<String, String> dimensions = Map.of("Environment", environment.name());
        try {
            LaunchResult result = ecs.runTask(launch);
            if (result instanceof LaunchResult.Started started) {
                metrics.count("WarmPoolLaunched", dimensions);
                LOG.info("warm pool launched task={} startedBy={}", started.taskArn(), launch.startedBy());
                return true;
            }
            LOG.warn("warm pool launch startedBy={} not started: {}", launch.startedBy(), result);
        } catch (RetryableException | PermanentException e) {
            LOG.error("warm pool launch startedBy={} failed: {}", launch.startedBy(), e.getMessage());
        }
        metrics.count("WarmPoolLaunchFailed", dimensions);
        return false;
    }

    /** The RunTask of one pool slot: every field derives from the environment, the minute and the slot. */
    public static TaskLaunch poolLaunch(Environment environment, long minute, int slot, Duration wait) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("glfs:environment", environment.name());
        tags.put("glfs:warm-pool", "true");
        Map<String, String> hints = new LinkedHashMap<>();
        hints.put("GLFS_ENVIRONMENT", environment.name());
        hints.put("GLFS_WARM_POOL", "true");
        // run-single --max-builds 1, like every runner task; only its idle wait differs (runner/entrypoint.sh).
        hints.put("RUNNER_WAIT_TIMEOUT", Long.toString(wait.toSeconds()));
        return new TaskLaunch(environment, TaskNaming.poolStartedBy(environment.name(), minute, slot),
                environment.group(), TaskNaming.poolClientToken(environment.name(), minute, slot), false, tags,
                hints);
    }
}
