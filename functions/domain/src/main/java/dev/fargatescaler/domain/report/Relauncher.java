package dev.fargatescaler.domain.report;

import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.gitlab.JobLookup;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.task.TaskNaming;
import dev.fargatescaler.domain.webhook.JobQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a job another task when its task never ran it: the task failed to start, Fargate Spot took it away, or
 * the reaper stopped it while it was stuck before RUNNING. The job is queued again (with the next attempt
 * number, hence a new RunTask {@code clientToken}) only while GitLab still says it is pending; after
 * {@code maxAttempts} relaunches the reporter gives up with an error log and the {@code RelaunchGaveUp} metric.
 *
 * <p>A Spot-interrupted task whose runner had already taken the job is not relaunched: the runner aborted the job
 * on the stop signal and reported it failed (runner/entrypoint.sh), so GitLab no longer says pending. The check is safe against a runner that took another
 * eligible job than the one that launched it: only the launching job's own status matters.
 */
public final class Relauncher {

    private static final Logger LOG = LoggerFactory.getLogger(Relauncher.class);

    private final GitLabApi gitlab;
    private final JobQueue queue;
    private final Metrics metrics;
    private final int maxAttempts;
    private final Clock clock;

    /** @param maxAttempts how many relaunches a job may get (0 turns relaunching off) */
    public Relauncher(GitLabApi gitlab, JobQueue queue, Metrics metrics, int maxAttempts, Clock clock) {
        this.gitlab = Objects.requireNonNull(gitlab);
        this.queue = Objects.requireNonNull(queue);
        this.metrics = Objects.requireNonNull(metrics);
        this.maxAttempts = maxAttempts;
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Whether an outcome means the task never got to run the job. Not {@code Idle}: the runner asked GitLab for
     * a job for the whole wait timeout and got none, so the job was taken by another runner or canceled (and a
     * still-pending job is found by the catch-up). Not {@code RunnerRefused}: GitLab refuses the environment's
     * token, so every relaunch would be refused too; that is a configuration problem, alarmed on, not retried.
     */
    public static boolean callsForRelaunch(OutcomeClassifier.Classification classification) {
        return switch (classification.outcome()) {
            case FAILED_TO_START, SPOT_INTERRUPTED -> true;
            case REAPED -> OutcomeClassifier.STUCK_BEFORE_RUNNING.equals(classification.reason());
            case SUCCEEDED, IDLE, RUNNER_REFUSED, RUNNER_FAILED, OTHER -> false;
        };
    }

    /**
     * Decides and, where needed, queues the job again.
     *
     * @param job     the job the task was started for, or null when the task names none
     * @param attempt the stopped task's attempt number
     * @throws RetryableException when the queue cannot be reached: nothing was queued, the event should be
     *                            handled again
     */
    public RelaunchDecision consider(TaskStateChange task, OutcomeClassifier.Classification classification,
                                     String environment, TaskNaming.JobTask job, int attempt) {
        if (!callsForRelaunch(classification)) {
            return RelaunchDecision.of(RelaunchDecision.Kind.NOT_NEEDED, "outcome " + classification.outcome());
        }
        if (job == null) {
            return RelaunchDecision.of(RelaunchDecision.Kind.NO_JOB, "the task's startedBy names no job");
        }
        GitLabJob current = null;
        String unverifiedBecause = null;
        try {
            JobLookup lookup = gitlab.lookup(job.projectId(), job.jobId());
            if (lookup instanceof JobLookup.Gone) {
                return RelaunchDecision.of(RelaunchDecision.Kind.JOB_NOT_FOUND,
                        "GitLab has no such job in the project (404 Not found)");
            }
            if (lookup instanceof JobLookup.NotVisible notVisible) {
                // Not "no longer pending": the token cannot see the project (or the project is gone). Dropping the
                // relaunch would lose a job that may still be pending; the scaler keeps such a job toward the
                // dead-letter queue, where it survives until the token's access is fixed.
                unverifiedBecause = "job not visible with this token (GitLab answered " + notVisible.status()
                        + " \"" + notVisible.gitLabMessage() + "\")";
                metrics.count("JobNotVisible");
                LOG.error("relaunch check: {}; {}", unverifiedBecause, JobLookup.ACCESS_HINT);
            } else {
                current = ((JobLookup.Found) lookup).job();
            }
        } catch (RetryableException | PermanentException e) {
            // The scaler asks GitLab again before launching, so queuing without an answer is safe; dropping the
            // relaunch would strand the job until the catch-up sweep.
            unverifiedBecause = e.getMessage();
            LOG.warn("relaunch check failed, queuing unverified: {}", e.getMessage());
            metrics.count("RelaunchCheckFailed", Map.of("Environment", environment));
        }
        boolean verified = unverifiedBecause == null;
        if (verified && !current.isPending()) {
            return RelaunchDecision.of(RelaunchDecision.Kind.JOB_NOT_PENDING,
                    "the job is " + current.status() + " in GitLab");
        }
        int next = attempt + 1;
        if (next > maxAttempts) {
            metrics.count("RelaunchGaveUp", Map.of("Environment", environment));
            LOG.error("relaunch decision=gave-up job={} project={} attempts={} outcome={} reason={}: the job is "
                            + "still pending but every attempt failed; check the environment's image, network "
                            + "and capacity", job.jobId(), job.projectId(), attempt, classification.outcome(),
                    classification.reason());
            return new RelaunchDecision(RelaunchDecision.Kind.GAVE_UP, next,
                    "attempt " + attempt + " was the last of " + maxAttempts + " relaunches");
        }
        PendingJob pending = pendingJob(task, job, current, attempt).nextAttempt();
        queue.enqueue(pending);
        metrics.count("RelaunchQueued", Map.of("Environment", environment));
        LOG.info("relaunch decision=queued job={} project={} attempt={} outcome={} reason={}", job.jobId(),
                job.projectId(), next, classification.outcome(), classification.reason());
        return verified
                ? new RelaunchDecision(RelaunchDecision.Kind.QUEUED, next, "the job is still pending")
                : new RelaunchDecision(RelaunchDecision.Kind.QUEUED_UNVERIFIED, next,
                        "GitLab could not confirm the job (" + unverifiedBecause + "); the scaler will check");
    }

    /** The queue message the stopped task was launched from, as far as it can be rebuilt. */
    private PendingJob pendingJob(TaskStateChange task, TaskNaming.JobTask job, GitLabJob gitlabJob, int attempt) {
        // The original receipt time is not in the event (a per-message value would break RunTask idempotency if
        // the scaler passed it), so the task's creation stands in: close to it, and never later than a relaunch.
        Instant receivedAt = task.createdAt() != null ? task.createdAt() : clock.instant();
        return new PendingJob(job.projectId(), gitlabJob == null ? null : gitlabJob.projectPath(), job.jobId(),
                gitlabJob == null ? null : gitlabJob.name(), null,
                gitlabJob == null ? null : gitlabJob.ref(),
                gitlabJob == null ? null : gitlabJob.pipelineId(),
                null, null, null, null, receivedAt,
                job.projectId() + ":" + job.jobId() + ":relaunch:" + attempt, attempt, PendingJob.SOURCE_RELAUNCH);
    }
}
