package dev.fargatescaler.domain.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.environment.AccountAccess;
import dev.fargatescaler.domain.environment.CostHints;
import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.environment.EnvironmentsSnapshot;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.launch.ScalerMetrics;
import dev.fargatescaler.domain.metrics.MetricUnit;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.task.TaskNaming;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Handles one EventBridge "ECS Task State Change" event: ignores tasks this product did not start and events
 * already handled, and for a STOPPED task classifies the outcome, computes durations and cost, relaunches the
 * job when its task never ran it, writes the task report and records the metrics.
 *
 * <p>Order matters for retries: the relaunch (the only step that can fail for a transient reason: the queue)
 * comes first, and the event is remembered only once everything succeeded. A failed relaunch propagates, the
 * Lambda invocation fails, and Lambda's asynchronous retry delivers the event again without a second report
 * having been written.
 */
public final class TaskReporter {

    private static final Logger LOG = LoggerFactory.getLogger(TaskReporter.class);
    /** Jobs run, by whether a warm-pool task ({@value #WARM}) or a task started for a job ({@value #FRESH}) ran it. */
    public static final String JOBS_STARTED = "JobsStarted";
    public static final String WARM = "Warm";
    public static final String FRESH = "Fresh";
    /** What warm-pool tasks cost (idle time included), also counted in {@code EstimatedCost}. */
    public static final String WARM_POOL_COST = "WarmPoolCost";
    private static final String[] MDC_KEYS = {"environment", "task_id", "project_id", "job_id"};

    /** What the reporter did with an event; returned by the handler (and printed by local invokes). */
    public record Result(String action, String reason, TaskReport report) {
        public static final String REPORTED = "reported";
        public static final String OBSERVED = "observed";
        public static final String IGNORED = "ignored";

        static Result ignored(String reason) {
            return new Result(IGNORED, reason, null);
        }
    }

    private final Relauncher relauncher;
    private final TaskReportSink sink;
    private final Metrics metrics;
    private final TaskEventMemory memory;
    private final PriceTable prices;
    private final EnvironmentsProvider environments;
    private final String defaultArchitecture;

    /**
     * @param environments        the configured environments, for their {@code cost} hints (may be empty: the
     *                            reporter needs them only when events lack the task size)
     * @param defaultArchitecture architecture assumed when neither an event's {@code ecs.cpu-architecture}
     *                            attribute nor the environment's hints name it ({@code x86_64} or {@code arm64})
     */
    public TaskReporter(Relauncher relauncher, TaskReportSink sink, Metrics metrics, TaskEventMemory memory,
                        PriceTable prices, Environments environments, String defaultArchitecture) {
        this(relauncher, sink, metrics, memory, prices, EnvironmentsProvider.fixed(environments),
                defaultArchitecture);
    }

    /** As above, with environments that are refreshed while the container lives (SSM). */
    public TaskReporter(Relauncher relauncher, TaskReportSink sink, Metrics metrics, TaskEventMemory memory,
                        PriceTable prices, EnvironmentsProvider environments, String defaultArchitecture) {
        this.relauncher = Objects.requireNonNull(relauncher);
        this.sink = Objects.requireNonNull(sink);
        this.metrics = Objects.requireNonNull(metrics);
        this.memory = Objects.requireNonNull(memory);
        this.prices = Objects.requireNonNull(prices);
        this.environments = Objects.requireNonNull(environments);
        this.defaultArchitecture = defaultArchitecture;
    }

    public Result handle(JsonNode event) {
        TaskStateChange task;
        try {
            task = TaskStateChangeParser.parse(event);
        } catch (PermanentException e) {
            LOG.warn("task event decision=ignored reason={}: {}", e.reason(), e.getMessage());
            metrics.count("TaskEventsIgnored", "Reason", e.reason());
            return Result.ignored(e.reason());
        }
        Optional<TaskNaming.JobTask> job = TaskNaming.parseStartedBy(task.startedBy());
        Optional<String> environment = job.map(TaskNaming.JobTask::environment)
                .or(() -> TaskNaming.poolEnvironment(task.startedBy()))
                .or(() -> environmentOf(task.group()));
        if (environment.isEmpty()) {
            // The rule already limits events to our clusters; anything else there is not ours to judge.
            LOG.debug("task event decision=ignored reason=Foreign task={} startedBy={} group={}", task.taskArn(),
                    task.startedBy(), task.group());
            metrics.count("TaskEventsIgnored", "Reason", "Foreign");
            return Result.ignored("Foreign");
        }
        Optional<String> wrongAccount = wrongAccount(task, environment.get());
        if (wrongAccount.isPresent()) {
            LOG.warn("task event decision=ignored reason=WrongAccount task={} environment={}: {}", task.taskArn(),
                    environment.get(), wrongAccount.get());
            metrics.count("TaskEventsIgnored", "Reason", "WrongAccount");
            return Result.ignored("WrongAccount");
        }
        try {
            MDC.put("environment", environment.get());
            MDC.put("task_id", task.taskId());
            job.ifPresent(j -> {
                MDC.put("project_id", Long.toString(j.projectId()));
                MDC.put("job_id", Long.toString(j.jobId()));
            });
            return handleOurs(task, environment.get(), job.orElse(null));
        } finally {
            for (String key : MDC_KEYS) {
                MDC.remove(key);
            }
        }
    }

    private Result handleOurs(TaskStateChange task, String environment, TaskNaming.JobTask job) {
        if (memory.isDuplicate(task)) {
            LOG.info("task event decision=ignored reason=Duplicate version={} status={}", task.version(),
                    task.lastStatus());
            metrics.count("TaskEventsIgnored", "Reason", "Duplicate");
            return Result.ignored("Duplicate");
        }
        if (!task.isStopped()) {
            if (task.stopCode() != null) {
                LOG.info("task stopping status={} stop_code={} stopped_reason={}", task.lastStatus(), task.stopCode(),
                        task.stoppedReason());
            } else {
                LOG.debug("task status={} version={}", task.lastStatus(), task.version());
            }
            memory.remember(task);
            return new Result(Result.OBSERVED, task.lastStatus(), null);
        }
        if (memory.wasReportedStopped(task.taskArn())) {
            LOG.info("task event decision=ignored reason=AlreadyReported version={}", task.version());
            memory.remember(task);
            metrics.count("TaskEventsIgnored", "Reason", "Duplicate");
            return Result.ignored("AlreadyReported");
        }
        OutcomeClassifier.Classification classification = OutcomeClassifier.classify(task);
        int attempt = LaunchHints.attempt(task);
        RelaunchDecision relaunch = relauncher.consider(task, classification, environment, job, attempt);
        TaskReport report = new TaskReport(environment, job == null ? null : job.projectId(),
                job == null ? null : job.jobId(), attempt, task, classification, TaskDurations.of(task),
                CostEstimate.of(task, prices, costHints(environment, LaunchHints.sizeClass(task)),
                        defaultArchitecture), relaunch);
        sink.publish(report);
        recordMetrics(report);
        if (classification.outcome() == TaskOutcome.RUNNER_REFUSED) {
            LOG.error("runner token refused: GitLab answered 403 to the runner of environment {}, so it ran no job and "
                    + "nothing was relaunched. The environment's runner token was reset or its runner deleted in "
                    + "GitLab: store the current glrt- token in the environment's RunnerTokenSecretArn secret "
                    + "(docs/operations.md)", environment);
        }
        memory.remember(task);
        return new Result(Result.REPORTED, classification.outcome().metricName(), report);
    }

    private void recordMetrics(TaskReport report) {
        Map<String, String> env = Map.of("Environment", report.environment());
        TaskOutcome outcome = report.classification().outcome();
        metrics.count("TasksStopped", Map.of("Environment", report.environment(), "Outcome", outcome.metricName()));
        if (outcome == TaskOutcome.FAILED_TO_START) {
            metrics.count("TaskStartFailures", Map.of("Environment", report.environment(),
                    "Reason", report.classification().metricReason()));
        }
        if (outcome == TaskOutcome.SPOT_INTERRUPTED) {
            metrics.count("SpotInterruptions", env);
        }
        if (outcome == TaskOutcome.RUNNER_REFUSED) {
            // Its own metric, so that one alarm (on the Service total) covers every environment.
            metrics.count("RunnerRefused", env);
        }
        boolean pool = TaskNaming.isPoolTask(report.task().startedBy());
        if (Boolean.TRUE.equals(report.classification().ranJob())) {
            // Warm or fresh, from what this task is: see JobsStarted in docs/warm-pool.md for the rule.
            metrics.count(JOBS_STARTED, Map.of("Environment", report.environment(), "Runner", pool ? WARM : FRESH));
        }
        if (pool && report.cost().usd() != null) {
            metrics.record(WARM_POOL_COST, report.cost().usd(), MetricUnit.NONE, env);
        }
        record("StartLatency", report.durations().startLatency(), MetricUnit.MILLISECONDS, env);
        record("ImagePullTime", report.durations().imagePull(), MetricUnit.MILLISECONDS, env);
        Duration run = report.durations().run();
        if (run != null) {
            metrics.record("RunTime", run.toMillis() / 1000.0, MetricUnit.SECONDS, env);
        }
        if (report.cost().usd() != null) {
            metrics.record("EstimatedCost", report.cost().usd(), MetricUnit.NONE, env);
        }
        // The same by size class, under their own names (see ScalerMetrics.SIZE_CLASS).
        Map<String, String> bySize = Map.of("Environment", report.environment(), ScalerMetrics.SIZE_CLASS,
                LaunchHints.sizeClass(report.task()));
        metrics.count("TasksStoppedBySizeClass", bySize);
        if (run != null) {
            metrics.record("RunTimeBySizeClass", run.toMillis() / 1000.0, MetricUnit.SECONDS, bySize);
        }
        if (report.cost().usd() != null) {
            metrics.record("EstimatedCostBySizeClass", report.cost().usd(), MetricUnit.NONE, bySize);
        }
    }

    private void record(String name, Duration duration, MetricUnit unit, Map<String, String> dimensions) {
        if (duration != null) {
            metrics.record(name, duration.toMillis(), unit, dimensions);
        }
    }

    /**
     * Why a task event cannot belong to the environment its task names, or empty. Events of environments in other
     * accounts reach this bus from those accounts (template.yaml's bus policy lets each listed account send), so an
     * event names its environment but proves its account only by its cluster's ARN (set by ECS, in the account
     * where the task runs; a PutEvents caller cannot use the {@code aws.ecs} source). An environment in another
     * account accepts only events from its role's account; an environment of the control plane's own account none
     * from an account that another environment's role is in. Unknown environments are not judged here.
     */
    private Optional<String> wrongAccount(TaskStateChange task, String environment) {
        EnvironmentsSnapshot known = environments.current();
        if (!known.available()) {
            return Optional.empty();
        }
        Optional<Environment> configured = known.environments().named(environment);
        if (configured.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> from = AccountAccess.accountOfArn(task.clusterArn());
        Optional<String> expected = configured.get().account().accountId();
        if (expected.isPresent()) {
            return from.equals(expected) ? Optional.empty() : Optional.of("its cluster " + task.clusterArn()
                    + " is not in the environment's account " + expected.get());
        }
        return from.filter(account -> known.environments().all().stream()
                        .anyMatch(e -> e.account().accountId().filter(account::equals).isPresent()))
                .map(account -> "its cluster " + task.clusterArn() + " is in account " + account
                        + ", which only environments with an assumeRole role use");
    }

    /**
     * What the configuration says about the task's size, for what the event does not: a size class's own size
     * (with the environment's architecture), else the environment's cost hints.
     */
    private CostHints costHints(String environment, String sizeClass) {
        EnvironmentsSnapshot known = environments.current();
        if (!known.available()) {
            return CostHints.NONE;
        }
        Optional<Environment> configured = known.environments().named(environment);
        CostHints hints = configured.map(Environment::costHints).orElse(CostHints.NONE);
        return configured.flatMap(e -> e.sizeClass(sizeClass))
                .map(c -> new CostHints(c.size().cpu(), c.size().memoryMiB(), hints.architecture()))
                .orElse(hints);
    }

    /** The environment named by a {@code glfs:<environment>} group, for tasks whose startedBy names no job. */
    static Optional<String> environmentOf(String group) {
        if (group == null || !group.startsWith(TaskNaming.GROUP_PREFIX)) {
            return Optional.empty();
        }
        String name = group.substring(TaskNaming.GROUP_PREFIX.length());
        return TaskNaming.ENVIRONMENT_NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }
}
