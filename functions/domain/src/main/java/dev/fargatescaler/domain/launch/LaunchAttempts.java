package dev.fargatescaler.domain.launch;

import static dev.fargatescaler.domain.launch.ScalerMetrics.ENVIRONMENT;
import static dev.fargatescaler.domain.launch.ScalerMetrics.SPENT_CLIENT_TOKEN;
import static dev.fargatescaler.domain.launch.ScalerMetrics.SPOT_FALLBACK;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.SizeClass;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.metrics.Metrics;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RunTask for a job, attempt after attempt while the attempt's client token turns out spent. RunTask's
 * idempotency returns the original request's task for a token ECS has seen in the last 24 hours (less if the task
 * stopped more than an hour ago), so a message that reuses the token of an earlier launch (a catch-up, which always
 * queues attempt 0; a job queued again after its task ended) would get that old task back instead of a new one.
 * A token is spent when the task returned is stopped, or was created before this message was queued and has
 * stopped since, or ECS answers {@code ConflictException}; the next attempt number is then tried, at most
 * {@link JobLauncher#MAX_SPENT_TOKENS} times. The sequence is deterministic, so concurrent deliveries of one job
 * still converge on one token and so on one task.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html
 */
final class LaunchAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(LaunchAttempts.class);

    /**
     * How the attempts ended.
     *
     * @param result            the last RunTask's answer: a new task, or a failure to act on
     * @param attempt           the attempt number that answer belongs to
     * @param earlierTaskActive the token's earlier task is still active: the job already has its task
     */
    record Outcome(LaunchResult result, int attempt, boolean earlierTaskActive) {
    }

    private enum TokenUse { NEW, SPENT, EARLIER_TASK_ACTIVE }

    private final EcsTasks ecs;
    private final Metrics metrics;

    LaunchAttempts(EcsTasks ecs, Metrics metrics) {
        this.ecs = ecs;
        this.metrics = metrics;
    }

    /** @throws RetryableException when the tokens of {@link JobLauncher#MAX_SPENT_TOKENS} attempts were spent */
    Outcome launch(Environment target, SizeClass sizeClass, PendingJob job, GitLabJob gitLabJob) {
        int attempt = job.attempt();
        for (int spent = 0; ; spent++) {
            LaunchResult result = runTask(target, sizeClass, job, gitLabJob, attempt);
            TokenUse use = tokenUse(target, job, result);
            if (use == TokenUse.NEW) {
                return new Outcome(result, attempt, false);
            }
            if (use == TokenUse.EARLIER_TASK_ACTIVE) {
                return new Outcome(result, attempt, true);
            }
            metrics.count(SPENT_CLIENT_TOKEN, ENVIRONMENT, target.name());
            LOG.info("client token of attempt {} was spent by an earlier launch ({}); trying attempt {}", attempt,
                    result instanceof LaunchResult.Started s ? "task " + s.taskArn() + ", stopped"
                            : "ConflictException: " + ((LaunchResult.TokenConflict) result).detail(),
                    attempt + 1);
            if (spent + 1 >= JobLauncher.MAX_SPENT_TOKENS) {
                throw new RetryableException("ClientTokensSpent", "the client tokens of attempts " + job.attempt()
                        + " to " + attempt + " were all spent by earlier launches in environment " + target.name());
            }
            attempt++;
        }
    }

    /** One RunTask with the token of {@code attempt}, and the on-demand retry when Spot has no capacity. */
    private LaunchResult runTask(Environment target, SizeClass sizeClass, PendingJob job, GitLabJob gitLabJob,
                                 int attempt) {
        LaunchResult result = ecs.runTask(JobTaskLaunch.of(target, sizeClass, job, gitLabJob, false, attempt));
        if (result instanceof LaunchResult.Failed failed) {
            LaunchFailureKind kind = LaunchFailureKind.classify(failed.reason());
            if (kind == LaunchFailureKind.CAPACITY && target.launchMode().fallsBackToOnDemand()) {
                LOG.info("Fargate Spot has no capacity ({}); retrying on on-demand Fargate", failed.reason());
                metrics.count(SPOT_FALLBACK, ENVIRONMENT, target.name());
                result = ecs.runTask(JobTaskLaunch.of(target, sizeClass, job, gitLabJob, true, attempt));
            }
        }
        return result;
    }

    /** What a RunTask answer says about the token used. */
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
}
