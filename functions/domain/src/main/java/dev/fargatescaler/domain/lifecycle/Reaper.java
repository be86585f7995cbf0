package dev.fargatescaler.domain.lifecycle;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.task.TaskNaming;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops this product's tasks that overstay, judged by their age since {@code createdAt} (the RunTask time):
 * <ul>
 *   <li>a task whose {@code lastStatus} is RUNNING and that was created longer ago than its environment's
 *       {@code maxTaskLifetime} (a hung job or runner would otherwise bill forever). The age includes the time
 *       before RUNNING (image pull, provisioning), so a task is stopped at most that much earlier than "lifetime
 *       after it started"; only a task without {@code createdAt} is aged from {@code startedAt};</li>
 *   <li>a task still PROVISIONING, PENDING or ACTIVATING longer than the environment's
 *       {@code stuckBeforeRunningTimeout} after {@code createdAt} (it holds a capacity slot and its job waits); a
 *       task without {@code createdAt} is never judged stuck.</li>
 * </ul>
 * Tasks on their way out (DEACTIVATING, STOPPING, DEPROVISIONING) are left to finish. The StopTask reason starts
 * with {@link ReaperReason#PREFIX}, which is how the reporter classifies the stop (and relaunches the job of a
 * stuck task).
 *
 * <p>Each cluster is listed once even when several environments share it. A task is judged by the environment
 * its {@code startedBy} names, and only when that environment's cluster is the one being listed; a task whose
 * environment is not configured (removed, or another installation's) is skipped and not counted as running. The
 * pass also returns what runs where, so that the catch-up can skip jobs that already have a task without listing
 * again; a task the reaper failed to stop still counts as running.
 */
public final class Reaper {

    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);
    private static final Set<String> BEFORE_RUNNING = Set.of("PROVISIONING", "PENDING", "ACTIVATING");
    private static final String RUNNING = "RUNNING";

    private final ClusterTasks ecs;
    private final Metrics metrics;
    private final Clock clock;

    public Reaper(ClusterTasks ecs, Metrics metrics, Clock clock) {
        this.ecs = Objects.requireNonNull(ecs);
        this.metrics = Objects.requireNonNull(metrics);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * What the pass saw.
     *
     * @param startedBy    the {@code startedBy} of every task that still runs (reaped ones excluded)
     * @param activeTasks  per environment name, the tasks that still run
     * @param unknown      environments whose cluster could not be listed: the catch-up must not guess for them
     */
    public record Result(int tasksSeen, int reaped, Set<String> startedBy, Map<String, Integer> activeTasks,
                         Set<String> unknown) {
        public Result {
            startedBy = Set.copyOf(startedBy);
            activeTasks = Map.copyOf(activeTasks);
            unknown = Set.copyOf(unknown);
        }

        public int active(String environment) {
            return activeTasks.getOrDefault(environment, 0);
        }
    }

    public Result sweep(Environments environments, Budget budget) {
        // One listing per cluster per account: two accounts may each have a cluster of the same name.
        Map<String, List<Environment>> byCluster = new LinkedHashMap<>();
        for (Environment environment : environments.all()) {
            byCluster.computeIfAbsent(location(environment), c -> new java.util.ArrayList<>()).add(environment);
        }
        Set<String> running = new HashSet<>();
        Map<String, Integer> active = new HashMap<>();
        Set<String> unknown = new HashSet<>();
        Set<String> seen = new HashSet<>();
        int reaped = 0;
        for (Map.Entry<String, List<Environment>> cluster : byCluster.entrySet()) {
            if (budget.exhausted()) {
                LOG.warn("reaper stopped early: time budget spent before cluster {}", cluster.getKey());
                cluster.getValue().forEach(e -> unknown.add(e.name()));
                continue;
            }
            List<ClusterTasks.Task> tasks;
            try {
                tasks = ecs.ourTasks(cluster.getValue().get(0));
            } catch (RetryableException | PermanentException e) {
                LOG.error("reaper cannot list tasks in cluster {}: {}", cluster.getKey(), e.getMessage());
                cluster.getValue().forEach(env -> {
                    unknown.add(env.name());
                    metrics.count("SweepListFailed", "Environment", env.name());
                });
                continue;
            }
            for (ClusterTasks.Task task : tasks) {
                if (!seen.add(task.taskArn())) {
                    continue;
                }
                // Warm-pool tasks are judged like job tasks: an idle one is RUNNING within its lifetime, not stuck.
                Optional<Environment> environment = TaskNaming.parseStartedBy(task.startedBy())
                        .map(TaskNaming.JobTask::environment)
                        .or(() -> TaskNaming.poolEnvironment(task.startedBy()))
                        .flatMap(environments::named)
                        .filter(e -> location(e).equals(cluster.getKey()));
                if (environment.isEmpty()) {
                    // A task of an environment that was removed from the configuration, or of another
                    // installation sharing the cluster: not ours to judge.
                    LOG.info("reaper skipped task={} startedBy={}: no configured environment in this cluster",
                            task.taskArn(), task.startedBy());
                    continue;
                }
                String name = environment.get().name();
                Optional<String> reason = decide(task, environment.get(), clock.instant());
                if (reason.isPresent() && stop(environment.get(), task, reason.get())) {
                    reaped++;
                    continue;
                }
                running.add(task.startedBy());
                active.merge(name, 1, Integer::sum);
            }
        }
        return new Result(seen.size(), reaped, running, active, unknown);
    }

    /** The StopTask reason for a task that overstays, or empty. */
    public static Optional<String> decide(ClusterTasks.Task task, Environment environment, Instant now) {
        String status = task.lastStatus();
        if (BEFORE_RUNNING.contains(status) && task.createdAt() != null) {
            Duration age = Duration.between(task.createdAt(), now);
            if (age.compareTo(environment.stuckBeforeRunningTimeout()) > 0) {
                return Optional.of(ReaperReason.stuck(status, age, environment.stuckBeforeRunningTimeout()));
            }
        }
        if (RUNNING.equals(status)) {
            Instant since = task.createdAt() != null ? task.createdAt() : task.startedAt();
            if (since != null) {
                Duration age = Duration.between(since, now);
                if (age.compareTo(environment.maxTaskLifetime()) > 0) {
                    return Optional.of(ReaperReason.overLifetime(age, environment.maxTaskLifetime()));
                }
            }
        }
        // Tasks already on their way out (DEACTIVATING, STOPPING, DEPROVISIONING) are left to finish.
        return Optional.empty();
    }

    /** Where an environment's tasks are: its cluster in its account. */
    private static String location(Environment environment) {
        return environment.cluster() + environment.account().accountId().map(a -> " in account " + a).orElse("");
    }

    private boolean stop(Environment target, ClusterTasks.Task task, String reason) {
        String kind = ReaperReason.isStuck(reason) ? "StuckBeforeRunning" : "OverLifetime";
        String environment = target.name();
        try {
            ecs.stop(target, task.taskArn(), reason);
        } catch (RetryableException | PermanentException e) {
            LOG.error("reaper could not stop task={} startedBy={}: {}", task.taskArn(), task.startedBy(),
                    e.getMessage());
            metrics.count("ReaperStopFailed", "Environment", environment);
            return false;
        }
        LOG.warn("reaper decision=stopped task={} startedBy={} environment={} reason=\"{}\"", task.taskArn(),
                task.startedBy(), environment, reason);
        metrics.count("TasksReaped", Map.of("Environment", environment, "Reason", kind));
        return true;
    }
}
