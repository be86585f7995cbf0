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
import dev.fargatescaler.domain.routing.RoutableJob;
import dev.fargatescaler.domain.routing.Router;
import dev.fargatescaler.domain.routing.RoutingDecision;
import dev.fargatescaler.domain.webhook.JobQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
 * <p><b>Client tokens</b>: a token spent by an earlier launch of the job is recognised and the next attempt's
 * used ({@link LaunchAttempts}). The RunTask parameters of an attempt are {@link JobTaskLaunch}'s; how a message
 * goes back to the queue, {@link MessageReturns}'.
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
    private final Metrics metrics;
    private final Clock clock;
    private final LaunchAttempts attempts;
    private final MessageReturns returns;

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
        this.metrics = Objects.requireNonNull(metrics);
        this.clock = Objects.requireNonNull(clock);
        this.attempts = new LaunchAttempts(ecs, metrics);
        this.returns = new MessageReturns(Objects.requireNonNull(visibility), Objects.requireNonNull(queue), metrics,
                Objects.requireNonNull(backoff), requeueAtReceiveCount);
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
                returns.returnUnprocessed(message);
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
            return returns.retryLater(message, Optional.empty());
        } catch (RetryableException e) {
            metrics.count(RETRYABLE_ERROR, Map.of(ENVIRONMENT, environment, REASON, e.reason()));
            LOG.warn("decision=retry returned to the queue: {} ({})", e.getMessage(), e.reason());
            if (returns.nearDeadLetter(message)
                    && Duration.between(job.receivedAt(), clock.instant()).compareTo(RETRY_HORIZON) < 0) {
                // Receives spent waiting for capacity, on crashed invocations and on earlier transient errors
                // all count toward maxReceiveCount: a job must not land in the dead-letter queue because a
                // transient error happened to strike on its last receive. Only an outage that outlasts
                // RETRY_HORIZON sends it there (with an alarm).
                return returns.requeueAfresh(message, job, e.retryAfter());
            }
            return returns.retryLater(message, e.retryAfter());
        } catch (PermanentException e) {
            metrics.count(PERMANENT_ERROR, Map.of(ENVIRONMENT, environment, REASON, e.reason()));
            LOG.error("decision=permanent-error acknowledged: {} ({})", e.getMessage(), e.reason());
            return true;
        } catch (RuntimeException e) {
            // A bug or an unforeseen answer: keep the job (retry, and the dead-letter queue in the end).
            metrics.count(RETRYABLE_ERROR, Map.of(ENVIRONMENT, environment, REASON, "Unexpected"));
            LOG.error("decision=retry returned to the queue after an unexpected error", e);
            return returns.retryLater(message, Optional.empty());
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
        return returns.retryLater(message, Optional.empty());
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
            return returns.defer(message, job);
        }
        LaunchAttempts.Outcome outcome = attempts.launch(target, sizeClass, job, gitLabJob);
        LaunchResult result = outcome.result();
        int attempt = outcome.attempt();
        if (outcome.earlierTaskActive()) {
            batch.startedBy.add(startedBy);
            metrics.count(ALREADY_LAUNCHED, ENVIRONMENT, target.name());
            LOG.info("decision=already-launched acknowledged: RunTask answered with task {}, started before "
                    + "this message was queued and still active (attempt {})",
                    ((LaunchResult.Started) result).taskArn(), attempt);
            return true;
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
                return returns.defer(message, job);
            }
            case CONFIGURATION -> throw new ConfigurationException("RunTaskFailure",
                    "RunTask failed in environment " + target.name() + ": " + failed.reason() + " "
                            + failed.detail());
            default -> throw new RetryableException("RunTaskFailure",
                    "RunTask failed in environment " + target.name() + ": " + failed.reason() + " "
                            + failed.detail());
        }
    }

    /**
     * No environment takes the job under a list that cannot be trusted to be complete (none configured yet, or an
     * old list that could not be reloaded): like capacity, a wait, never a drop.
     */
    private boolean deferForEnvironments(QueueMessage message, PendingJob job, String reason, String why) {
        metrics.count(DEFERRED_FOR_ENVIRONMENTS, Map.of(ENVIRONMENT, NO_ENVIRONMENT, REASON, reason));
        LOG.warn("decision=deferred-for-environments: {}; the job stays in the queue", why);
        return returns.defer(message, job);
    }

    private static String sizeClassName(SizeClass sizeClass) {
        return sizeClass == null ? SizeClass.DEFAULT_NAME : sizeClass.name();
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
