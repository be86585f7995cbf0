package dev.fargatescaler.domain.launch;

import static dev.fargatescaler.domain.launch.ScalerMetrics.*;

import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.capacity.BatchCapacity;
import dev.fargatescaler.domain.capacity.CapacityDecision;
import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.environment.EnvironmentsSnapshot;
import dev.fargatescaler.domain.environment.SizeClass;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.gitlab.JobLookup;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.metrics.MetricUnit;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.report.LaunchHints;
import dev.fargatescaler.domain.pool.PoolKeeper;
import dev.fargatescaler.domain.routing.RoutableJob;
import dev.fargatescaler.domain.routing.Router;
import dev.fargatescaler.domain.routing.RoutingDecision;
import dev.fargatescaler.domain.task.TaskNaming;
import dev.fargatescaler.domain.webhook.JobQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The scaler's decisions for one SQS batch of pending jobs: ask GitLab, route, check capacity, start exactly
 * one task per job. Each message ends in one of two ways:
 * <ul>
 *   <li><b>acknowledged</b> (Lambda deletes it): launched, already launched, no longer pending (GitLab's status,
 *       or a 404 that GitLab attributes to the job itself), unroutable,
 *       refused by a guard, malformed, other permanent errors;</li>
 *   <li><b>returned</b> in {@code batchItemFailures} (Lambda leaves it in the queue) after its visibility was
 *       set to a growing delay: capacity limit reached, no environment configured yet, unroutable under a list
 *       that may be out of date, retryable errors, configuration errors and jobs GitLab will not show this token
 *       (these two reach the dead-letter queue after {@code maxReceiveCount} receives, with an alarm).</li>
 * </ul>
 * A job deferred for capacity or for its environments must never reach the dead-letter queue: when its receive
 * count nears {@code maxReceiveCount}, a fresh copy is queued and the old message acknowledged.
 *
 * <p><b>Environments</b> come from an {@link EnvironmentsProvider}, which may hold an old list (it refreshes on a
 * TTL and after a SnapStart restore). A job is acknowledged as unroutable (or refused) only under a list that is
 * fresh for it: loaded after the job was queued and within its TTL. Under an older list the provider is asked to
 * reload and the job routed again; if the list still cannot be refreshed, the job is deferred. With no environment
 * at all, every job is deferred.
 *
 * <p><b>Client tokens</b>: RunTask's idempotency returns the original request's task for a token ECS has seen in
 * the last 24 hours (less if the task stopped more than an hour ago), so a message that reuses the token of an
 * earlier launch (a catch-up, which always queues attempt 0; a job queued again after its task ended) would get
 * that old task back instead of a new one. The launcher recognises a spent token (the task returned is stopped, or
 * was created before this message was queued and has stopped since, or ECS answers {@code ConflictException}) and
 * moves to the next attempt number, at most {@link #MAX_SPENT_TOKENS} times. The sequence is deterministic, so
 * concurrent deliveries of one job still converge on one token and so on one task.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html
 */
public final class JobLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(JobLauncher.class);

    /**
     * How long after the webhook a job may keep failing with retryable errors before it is left to reach the
     * dead-letter queue. GitLab itself fails jobs that stay pending for a day; an outage of GitLab's API or of
     * ECS that lasts hours deserves a human (the dead-letter alarm) rather than endless retries.
     */
    public static final Duration RETRY_HORIZON = Duration.ofHours(6);

    /**
     * Time a message may need in the worst realistic case: one GitLab request (5 s timeout) and the ECS calls of
     * a launch, each bounded by the ECS client's 20 s API-call timeout but normally well under a second.
     */
    public static final Duration TIME_RESERVE = Duration.ofSeconds(20);

    /** How many spent client tokens in a row a launch skips before it gives up for now (retryable). */
    public static final int MAX_SPENT_TOKENS = 16;

    private final EnvironmentsProvider environments;
    private final GitLabApi gitLab;
    private final EcsTasks ecs;
    private final MessageVisibility visibility;
    private final JobQueue queue;
    private final Metrics metrics;
    private final Clock clock;
    private final Backoff backoff;
    private final int requeueAtReceiveCount;

    /**
     * @param queue                 where a capacity-deferred job is queued afresh before it could reach the
     *                              dead-letter queue
     * @param requeueAtReceiveCount the receive count at which that happens: the queue's {@code maxReceiveCount}
     *                              minus one (or less)
     */
    public JobLauncher(EnvironmentsProvider environments, GitLabApi gitLab, EcsTasks ecs,
                       MessageVisibility visibility, JobQueue queue, Metrics metrics, Clock clock, Backoff backoff,
                       int requeueAtReceiveCount) {
        this.environments = Objects.requireNonNull(environments);
        this.gitLab = Objects.requireNonNull(gitLab);
        this.ecs = Objects.requireNonNull(ecs);
        this.visibility = Objects.requireNonNull(visibility);
        this.queue = Objects.requireNonNull(queue);
        this.metrics = Objects.requireNonNull(metrics);
        this.clock = Objects.requireNonNull(clock);
        this.backoff = Objects.requireNonNull(backoff);
        if (requeueAtReceiveCount < 1) {
            throw new IllegalArgumentException("requeueAtReceiveCount must be at least 1");
        }
        this.requeueAtReceiveCount = requeueAtReceiveCount;
    }

    /** With a list that never changes (inline configuration, tests). */
    public JobLauncher(Environments environments, GitLabApi gitLab, EcsTasks ecs, MessageVisibility visibility,
                       JobQueue queue, Metrics metrics, Clock clock, Backoff backoff, int requeueAtReceiveCount) {
        this(EnvironmentsProvider.fixed(environments), gitLab, ecs, visibility, queue, metrics, clock, backoff,
                requeueAtReceiveCount);
    }

    /** Processes a batch in order; never throws for one message's trouble. */
    public BatchResult process(List<QueueMessage> messages) {
        return process(messages, () -> Duration.ofDays(1));
    }

    /**
     * Processes a batch in order, but starts no new message once less than {@link #TIME_RESERVE} of the
     * invocation is left: those messages are returned at once (visible again in a second, not deleted), so that a
     * slow dependency makes the function answer late rather than time out, which would return the whole batch,
     * including jobs already launched, after the queue's full visibility timeout.
     *
     * @param remainingTime the invocation's remaining time (Lambda's {@code getRemainingTimeInMillis})
     */
    public BatchResult process(List<QueueMessage> messages, Supplier<Duration> remainingTime) {
        Batch batch = new Batch(new BatchCapacity(ecs::countActiveTasks), environments.current());
        if (batch.environments.available()) {
            metrics.record(ENVIRONMENTS_CONFIGURED, batch.environments.environments().all().size(),
                    MetricUnit.COUNT, Map.of());
        }
        List<String> failed = new ArrayList<>();
        for (QueueMessage message : messages) {
            if (remainingTime.get().compareTo(TIME_RESERVE) < 0) {
                metrics.count(DEFERRED_FOR_TIME);
                LOG.warn("decision=deferred-for-time: less than {} s of the invocation left, message {} returned "
                        + "unprocessed", TIME_RESERVE.toSeconds(), message.messageId());
                try {
                    visibility.delay(message.receiptHandle(), Duration.ofSeconds(1));
                } catch (RuntimeException e) {
                    LOG.warn("could not change the message's visibility ({})", e.getMessage());
                }
                failed.add(message.messageId());
                continue;
            }
            MDC.put("message_id", String.valueOf(message.messageId()));
            try {
                if (!process(message, batch)) {
                    failed.add(message.messageId());
                }
            } finally {
                MDC.remove("message_id");
                MDC.remove("job_id");
                MDC.remove("project_id");
                MDC.remove("environment");
            }
        }
        return new BatchResult(failed);
    }

    /** State shared by the messages of one batch. */
    private static final class Batch {
        final BatchCapacity capacity;
        final Set<String> startedBy = new HashSet<>();
        /** The list this batch routes with; replaced when a message forces a refresh. */
        EnvironmentsSnapshot environments;

        Batch(BatchCapacity capacity, EnvironmentsSnapshot environments) {
            this.capacity = capacity;
            this.environments = environments;
        }
    }

    /** @return true to acknowledge the message, false to return it in batchItemFailures */
    private boolean process(QueueMessage message, Batch batch) {
        PendingJob job;
        try {
            job = PendingJobCodec.fromJson(message.body());
        } catch (PermanentException e) {
            metrics.count(MALFORMED_MESSAGE);
            LOG.warn("decision=malformed acknowledged: {}", e.getMessage());
            return true;
        }
        MDC.put("job_id", Long.toString(job.jobId()));
        MDC.put("project_id", Long.toString(job.projectId()));
        String environment = NO_ENVIRONMENT;
        try {
            JobLookup lookup = gitLab.lookup(job.projectId(), job.jobId());
            if (lookup instanceof JobLookup.Gone gone) {
                metrics.count(NO_LONGER_PENDING, ENVIRONMENT, NO_ENVIRONMENT);
                LOG.info("decision=no-longer-pending acknowledged: GitLab has no such job in the project (404 {})",
                        gone.gitLabMessage());
                return true;
            }
            if (lookup instanceof JobLookup.NotVisible notVisible) {
                return notVisible(message, notVisible);
            }
            GitLabJob gitLabJob = ((JobLookup.Found) lookup).job();
            // Guards decide on GitLab's answer only: the webhook's project path and ref are whatever its sender
            // wrote, and a guard that needs a value GitLab did not give must refuse (Guards#refusal).
            RoutableJob routable = new RoutableJob(job.projectId(), gitLabJob.projectPath(), gitLabJob.ref(),
                    gitLabJob.tags());
            Environments list = batch.environments.environmentsOrThrow();
            RoutingDecision decision = new Router(list).route(routable);
            if (!gitLabJob.isPending()) {
                String env = decision instanceof RoutingDecision.Routed routed
                        ? routed.environment().name() : NO_ENVIRONMENT;
                metrics.count(NO_LONGER_PENDING, ENVIRONMENT, env);
                LOG.info("decision=no-longer-pending acknowledged: job status is {}", gitLabJob.status());
                return true;
            }
            if (!(decision instanceof RoutingDecision.Routed)
                    && !batch.environments.freshFor(job.receivedAt(), clock.instant())) {
                // The list may predate an environment meant for this job: reload, route again.
                batch.environments = environments.refresh();
                list = batch.environments.environmentsOrThrow();
                decision = new Router(list).route(routable);
            }
            if (!(decision instanceof RoutingDecision.Routed) && batch.environments.empty()) {
                return deferForEnvironments(message, job, "NoEnvironments", "no environment is configured yet");
            }
            if (!(decision instanceof RoutingDecision.Routed)
                    && !batch.environments.freshFor(job.receivedAt(), clock.instant())) {
                return deferForEnvironments(message, job, "StaleEnvironments", "the job is "
                        + (decision instanceof RoutingDecision.Refused ? "refused" : "unroutable")
                        + " under environments loaded at " + batch.environments.loadedAt()
                        + ", which could not be reloaded");
            }
            if (decision instanceof RoutingDecision.Unroutable unroutable) {
                metrics.count(UNROUTABLE, ENVIRONMENT, NO_ENVIRONMENT);
                LOG.warn("decision=unroutable acknowledged: {}; job tags {}, environments considered {}",
                        unroutable.why(), unroutable.jobTags(), describe(list, unroutable.considered()));
                return true;
            }
            if (decision instanceof RoutingDecision.Refused refused) {
                metrics.count(REFUSED_BY_GUARD, ENVIRONMENT, refused.firstCandidate());
                LOG.warn("decision=refused-by-guard acknowledged: job tags {}, project {} ({}), ref {}; "
                                + "refusals {}", refused.jobTags(), routable.projectId(), routable.projectPath(),
                        routable.ref(), refused.refusals());
                return true;
            }
            RoutingDecision.Routed routed = (RoutingDecision.Routed) decision;
            Environment target = routed.environment();
            environment = target.name();
            MDC.put("environment", environment);
            return launch(message, job, gitLabJob, target, routed.sizeClass(), routed.candidates(), batch);
        } catch (ConfigurationException e) {
            metrics.count(CONFIGURATION_ERROR);
            LOG.error("decision=configuration-error returned toward the dead-letter queue: {} ({})",
                    e.getMessage(), e.reason());
            return retryLater(message, Optional.empty());
        } catch (RetryableException e) {
            metrics.count(RETRYABLE_ERROR, Map.of(ENVIRONMENT, environment, REASON, e.reason()));
            LOG.warn("decision=retry returned to the queue: {} ({})", e.getMessage(), e.reason());
            if (message.receiveCount() >= requeueAtReceiveCount
                    && Duration.between(job.receivedAt(), clock.instant()).compareTo(RETRY_HORIZON) < 0) {
                // Receives spent waiting for capacity, on crashed invocations and on earlier transient errors
                // all count toward maxReceiveCount: a job must not land in the dead-letter queue because a
                // transient error happened to strike on its last receive. Only an outage that outlasts
                // RETRY_HORIZON sends it there (with an alarm).
                return requeueAfresh(message, job, e.retryAfter());
            }
            return retryLater(message, e.retryAfter());
        } catch (PermanentException e) {
            metrics.count(PERMANENT_ERROR, Map.of(ENVIRONMENT, environment, REASON, e.reason()));
            LOG.error("decision=permanent-error acknowledged: {} ({})", e.getMessage(), e.reason());
            return true;
        } catch (RuntimeException e) {
            // A bug or an unforeseen answer: keep the job (retry, and the dead-letter queue in the end).
            metrics.count(RETRYABLE_ERROR, Map.of(ENVIRONMENT, environment, REASON, "Unexpected"));
            LOG.error("decision=retry returned to the queue after an unexpected error", e);
            return retryLater(message, Optional.empty());
        }
    }

    /**
     * GitLab will not show the job to this token (404 Project Not Found, or 403): the project may be gone, or the
     * token may lack access. Acknowledging would drop a job GitLab never delivers again, and the catch-up, asking
     * with the same token, cannot find it either. So the message is retried with the usual backoff and, unlike
     * a transient error, never queued afresh: after {@code maxReceiveCount} receives (about 45 minutes) it rests in
     * the dead-letter queue, whose alarm fires, until the token's access is fixed and the queue is redriven (the
     * scaler then asks GitLab again, so a job that finished meanwhile is not launched).
     */
    private boolean notVisible(QueueMessage message, JobLookup.NotVisible notVisible) {
        metrics.count(JOB_NOT_VISIBLE);
        LOG.error("decision=not-visible returned toward the dead-letter queue: job not visible with this token "
                        + "(GitLab answered {} \"{}\"); {}", notVisible.status(), notVisible.gitLabMessage(),
                JobLookup.ACCESS_HINT);
        return retryLater(message, Optional.empty());
    }

    private boolean launch(QueueMessage message, PendingJob job, GitLabJob gitLabJob, Environment target,
                           SizeClass sizeClass, List<String> candidates, Batch batch) {
        String startedBy = target.startedBy(job.projectId(), job.jobId());
        if (batch.startedBy.contains(startedBy) || ecs.hasActiveTask(target, startedBy)) {
            metrics.count(ALREADY_LAUNCHED, ENVIRONMENT, target.name());
            LOG.info("decision=already-launched acknowledged: a task with startedBy {} is active", startedBy);
            return true;
        }
        CapacityDecision capacity = batch.capacity.check(target);
        if (!capacity.available()) {
            metrics.count(DEFERRED_FOR_CAPACITY, ENVIRONMENT, target.name());
            LOG.info("decision=deferred-for-capacity: {} of {} tasks active in {}", capacity.active(),
                    capacity.limit(), target.name());
            return deferForCapacity(message, job);
        }
        LaunchResult result = null;
        int attempt = job.attempt();
        for (int spent = 0; ; spent++) {
            result = runTask(target, sizeClass, job, gitLabJob, attempt);
            TokenUse use = tokenUse(target, job, result);
            if (use == TokenUse.NEW) {
                break;
            }
            if (use == TokenUse.EARLIER_TASK_ACTIVE) {
                LaunchResult.Started earlier = (LaunchResult.Started) result;
                batch.startedBy.add(startedBy);
                metrics.count(ALREADY_LAUNCHED, ENVIRONMENT, target.name());
                LOG.info("decision=already-launched acknowledged: RunTask answered with task {}, started before "
                        + "this message was queued and still active (attempt {})", earlier.taskArn(), attempt);
                return true;
            }
            metrics.count(SPENT_CLIENT_TOKEN, ENVIRONMENT, target.name());
            LOG.info("client token of attempt {} was spent by an earlier launch ({}); trying attempt {}", attempt,
                    result instanceof LaunchResult.Started s ? "task " + s.taskArn() + ", stopped"
                            : "ConflictException: " + ((LaunchResult.TokenConflict) result).detail(),
                    attempt + 1);
            if (spent + 1 >= MAX_SPENT_TOKENS) {
                throw new RetryableException("ClientTokensSpent", "the client tokens of attempts " + job.attempt()
                        + " to " + attempt + " were all spent by earlier launches in environment " + target.name());
            }
            attempt++;
        }
        if (result instanceof LaunchResult.Started started) {
            batch.capacity.launched(target);
            batch.startedBy.add(startedBy);
            long latency = Math.max(0, Duration.between(job.receivedAt(), clock.instant()).toMillis());
            metrics.count(LAUNCHED, ENVIRONMENT, target.name());
            metrics.count(LAUNCHED_BY_SIZE_CLASS, Map.of(ENVIRONMENT, target.name(), SIZE_CLASS,
                    sizeClassName(sizeClass)));
            metrics.record(WEBHOOK_TO_RUN_TASK_LATENCY, latency, MetricUnit.MILLISECONDS,
                    Map.of(ENVIRONMENT, target.name()));
            LOG.info("decision=launched acknowledged: task {} in cluster {} (environment {}, size class {}{}, "
                            + "candidates {}, {} ms after the webhook, attempt {})", started.taskArn(),
                    target.cluster(), target.name(), sizeClassName(sizeClass),
                    sizeClass == null ? "" : ": " + sizeClass.size().describe(), candidates, latency, attempt);
            return true;
        }
        LaunchResult.Failed failed = (LaunchResult.Failed) result;
        LaunchFailureKind kind = LaunchFailureKind.classify(failed.reason());
        metrics.count(LAUNCH_FAILED, Map.of(ENVIRONMENT, target.name(), REASON, kind.metricReason()));
        switch (kind) {
            case CAPACITY -> {
                LOG.warn("decision=deferred-for-capacity: RunTask reported no capacity: {} {}", failed.reason(),
                        failed.detail());
                return deferForCapacity(message, job);
            }
            case CONFIGURATION -> throw new ConfigurationException("RunTaskFailure",
                    "RunTask failed in environment " + target.name() + ": " + failed.reason() + " "
                            + failed.detail());
            default -> throw new RetryableException("RunTaskFailure",
                    "RunTask failed in environment " + target.name() + ": " + failed.reason() + " "
                            + failed.detail());
        }
    }

    /** One RunTask with the token of {@code attempt}, and the on-demand retry when Spot has no capacity. */
    private LaunchResult runTask(Environment target, SizeClass sizeClass, PendingJob job, GitLabJob gitLabJob,
                                 int attempt) {
        LaunchResult result = ecs.runTask(taskLaunch(target, sizeClass, job, gitLabJob, false, attempt));
        if (result instanceof LaunchResult.Failed failed) {
            LaunchFailureKind kind = LaunchFailureKind.classify(failed.reason());
            if (kind == LaunchFailureKind.CAPACITY && target.launchMode().fallsBackToOnDemand()) {
                LOG.info("Fargate Spot has no capacity ({}); retrying on on-demand Fargate", failed.reason());
                metrics.count(SPOT_FALLBACK, ENVIRONMENT, target.name());
                result = ecs.runTask(taskLaunch(target, sizeClass, job, gitLabJob, true, attempt));
            }
        }
        return result;
    }

    /** What a RunTask answer says about the token used. */
    private enum TokenUse { NEW, SPENT, EARLIER_TASK_ACTIVE }

    private TokenUse tokenUse(Environment target, PendingJob job, LaunchResult result) {
        if (result instanceof LaunchResult.TokenConflict) {
            return TokenUse.SPENT;
        }
        if (!(result instanceof LaunchResult.Started started)) {
            return TokenUse.NEW;
        }
        if (started.stopped()) {
            return TokenUse.SPENT;
        }
        Instant createdAt = started.createdAt();
        if (createdAt != null && createdAt.isBefore(job.receivedAt())) {
            // Idempotency answered with the original request's task, as it was then: ask ECS how it is now.
            return ecs.hasStopped(target, started.taskArn()) ? TokenUse.SPENT : TokenUse.EARLIER_TASK_ACTIVE;
        }
        return TokenUse.NEW;
    }

    /**
     * The RunTask parameters of one attempt. A size class adds its task size (task-level overrides), its name
     * ({@code GLFS_SIZE_CLASS}, for the reporter) and the name of the variable that holds its runner token
     * ({@code RUNNER_TOKEN_VARIABLE}: a name, not the token; RunTask cannot override secrets, see
     * runner/entrypoint.sh). All of it comes from the configuration, so every attempt of a job under one
     * configuration sends the same parameters, as RunTask's client token requires; a configuration change that
     * moves a job to another size makes ECS answer ConflictException for the old token, and the launcher moves on
     * to the next attempt (see the class comment). A default-size launch carries none of it: its request is the
     * same as before size classes existed.
     */
    private TaskLaunch taskLaunch(Environment target, SizeClass sizeClass, PendingJob job, GitLabJob gitLabJob,
                                  boolean onDemand, int attempt) {
        String token = onDemand
                ? TaskNaming.onDemandFallbackClientToken(target.name(), job.projectId(), job.jobId(), attempt)
                : TaskNaming.clientToken(target.name(), job.projectId(), job.jobId(), attempt);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("glfs:environment", target.name());
        tags.put("glfs:project-id", Long.toString(job.projectId()));
        tags.put("glfs:job-id", Long.toString(job.jobId()));
        Long pipeline = gitLabJob.pipelineId() != null ? gitLabJob.pipelineId() : job.pipelineId();
        if (pipeline != null) {
            tags.put("glfs:pipeline-id", Long.toString(pipeline));
        }
        Map<String, String> hints = new LinkedHashMap<>();
        hints.put("GLFS_ENVIRONMENT", target.name());
        hints.put("GLFS_PROJECT_ID", Long.toString(job.projectId()));
        hints.put("GLFS_JOB_ID", Long.toString(job.jobId()));
        hints.put("GLFS_ATTEMPT", Integer.toString(attempt));
        if (sizeClass != null) {
            hints.put(LaunchHints.SIZE_CLASS, sizeClass.name());
            hints.put(LaunchHints.TOKEN_VARIABLE, sizeClass.tokenVariable());
        }
        // During a warm-pool window the job's task waits as long as a pool task: when a warm runner took the job,
        // this task becomes the next idle runner (docs/warm-pool.md). Decided by when the job was received, not
        // by the clock, so that a retried RunTask is identical (its clientToken holds only then).
        target.warmPool().idleWait(job.receivedAt(), PoolKeeper.MIN_IDLE_WAIT)
                .ifPresent(wait -> hints.put("RUNNER_WAIT_TIMEOUT", Long.toString(wait.toSeconds())));
        return new TaskLaunch(target, target.startedBy(job.projectId(), job.jobId()), target.group(), token,
                onDemand, tags, hints, sizeClass == null ? null : sizeClass.size());
    }

    private static String sizeClassName(SizeClass sizeClass) {
        return sizeClass == null ? SizeClass.DEFAULT_NAME : sizeClass.name();
    }

    /**
     * Capacity is a normal condition, not a failure: the message comes back later, and before it could be
     * received {@code maxReceiveCount} times (and so land in the dead-letter queue) it is queued afresh.
     */
    private boolean deferForCapacity(QueueMessage message, PendingJob job) {
        return defer(message, job);
    }

    /**
     * No environment takes the job under a list that cannot be trusted to be complete (none configured yet, or an
     * old list that could not be reloaded): like capacity, a wait, never a drop.
     */
    private boolean deferForEnvironments(QueueMessage message, PendingJob job, String reason, String why) {
        metrics.count(DEFERRED_FOR_ENVIRONMENTS, Map.of(ENVIRONMENT, NO_ENVIRONMENT, REASON, reason));
        LOG.warn("decision=deferred-for-environments: {}; the job stays in the queue", why);
        return defer(message, job);
    }

    private boolean defer(QueueMessage message, PendingJob job) {
        if (message.receiveCount() >= requeueAtReceiveCount) {
            return requeueAfresh(message, job, Optional.empty());
        }
        return retryLater(message, Optional.empty());
    }

    /**
     * Queues a fresh copy of the job (its receive count starts again at zero) and acknowledges the old message.
     * The copy is sent with no delay: the backoff restarts at its base.
     */
    private boolean requeueAfresh(QueueMessage message, PendingJob job, Optional<Duration> retryAfter) {
        try {
            queue.enqueue(job);
            metrics.count(REQUEUED);
            LOG.info("job queued afresh after {} receives, so that it does not reach the dead-letter queue",
                    message.receiveCount());
            return true;
        } catch (RuntimeException e) {
            LOG.warn("could not queue the job afresh ({}); it stays in the queue", e.getMessage());
            return retryLater(message, retryAfter);
        }
    }

    private boolean retryLater(QueueMessage message, Optional<Duration> retryAfter) {
        Duration delay = backoff.delay(message.receiveCount(), retryAfter);
        try {
            visibility.delay(message.receiptHandle(), delay);
            LOG.info("message returned to the queue, visible again in {} s (receive count {})", delay.toSeconds(),
                    message.receiveCount());
        } catch (RuntimeException e) {
            LOG.warn("could not change the message's visibility ({}); it comes back after the queue's default "
                    + "visibility timeout", e.getMessage());
        }
        return false;
    }

    private static String describe(Environments environments, List<String> names) {
        List<String> described = new ArrayList<>();
        for (String name : names) {
            environments.named(name).ifPresent(e -> described.add(name + " (tags " + e.tags().stream().sorted()
                    .toList() + (e.runUntagged() ? ", runUntagged" : "") + ")"));
        }
        return described.toString();
    }
}
