package dev.fargatescaler.domain.lifecycle;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.gitlab.ProjectNotVisibleException;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.routing.RoutableJob;
import dev.fargatescaler.domain.routing.Router;
import dev.fargatescaler.domain.routing.RoutingDecision;
import dev.fargatescaler.domain.webhook.JobQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues the pending jobs that have no task, for jobs whose webhook GitLab never delivered: GitLab does not retry
 * a failed delivery ({@code app/services/web_hook_service.rb} logs the answer and moves on), drops webhooks past
 * its rate limits, and a hook disabled after failures delivers nothing. For each project, in the order given
 * ({@link CatchUpProjects}: least recently swept first), it pages through
 * {@code GET /projects/:id/jobs?scope[]=pending} (newest first) and queues, with source {@code catch-up}, every
 * job that routes to an environment where no task runs for it. Routing and guards use GitLab's listing only.
 *
 * <p>Bounded per run: at most {@code maxPages} pages in all, {@code maxPagesPerProject} per project (its newest
 * {@code 100 × maxPagesPerProject} pending jobs), {@code maxJobs} queued jobs, and never past the time budget. A
 * 429 or 5xx from GitLab ends the catch-up for this run (the next run, minutes later, starts again), so a
 * rate-limited GitLab is never pressed harder. A project walked to its end, or to its page limit, is reported as
 * swept; one the run stopped in is not, so the next run starts with it.
 *
 * <p>A project GitLab will not list for this token (404 Project Not Found, 403) is counted
 * ({@code JobNotVisible}), logged with the access the token needs, and skipped; the other projects go on.
 *
 * <p>Skipped: jobs of an environment whose cluster could not be listed (we cannot know whether they have a
 * task), and jobs of an environment at its task limit (their messages wait in the queue for capacity; a
 * duplicate would only be deferred too). A duplicate message is harmless anyway: the scaler launches at most one
 * task per job.
 */
public final class CatchUp {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);

    private final GitLabApi gitlab;
    private final JobQueue queue;
    private final Router router;
    private final Metrics metrics;
    private final Clock clock;

    public CatchUp(GitLabApi gitlab, JobQueue queue, Router router, Metrics metrics, Clock clock) {
        this.gitlab = Objects.requireNonNull(gitlab);
        this.queue = Objects.requireNonNull(queue);
        this.router = Objects.requireNonNull(router);
        this.metrics = Objects.requireNonNull(metrics);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The per-run bounds. */
    public record Limits(int maxPages, int maxJobs, int maxPagesPerProject) {
        public Limits {
            if (maxPages < 1 || maxJobs < 1 || maxPagesPerProject < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
            if (maxPagesPerProject > maxPages) {
                throw new IllegalArgumentException("maxPagesPerProject must not exceed maxPages");
            }
        }

        /** No page limit per project below the run's. */
        public Limits(int maxPages, int maxJobs) {
            this(maxPages, maxJobs, maxPages);
        }
    }

    /**
     * What the run did.
     *
     * @param notVisible projects GitLab would not list for this token (skipped, counted as {@code JobNotVisible})
     * @param stoppedBy null when every project was walked to its last page; else why the run ended early
     *                  ({@code GitLabRateLimited}, {@code MaxPages}, {@code MaxJobs}, {@code TimeBudget}…)
     */
    public record Result(int pages, int pendingSeen, int queued, int alreadyRunning, int skipped, int notVisible,
                         String stoppedBy) {
    }

    private static final class Stop extends RuntimeException {
        final String reason;

        Stop(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }

    public Result run(List<Long> projectIds, Reaper.Result tasks, Limits limits, Budget budget) {
        return run(projectIds, tasks, limits, budget, projectId -> { });
    }

    /**
     * @param projectIds in the order to walk them
     * @param swept      told of every project walked to its end (or its page limit) in this run
     */
    public Result run(List<Long> projectIds, Reaper.Result tasks, Limits limits, Budget budget, LongConsumer swept) {
        Run run = new Run(tasks, limits, budget);
        try {
            for (long projectId : projectIds) {
                if (run.project(projectId)) {
                    swept.accept(projectId);
                }
            }
        } catch (Stop stop) {
            if (!"MaxJobs".equals(stop.reason) && !"MaxPages".equals(stop.reason)) {
                metrics.count("CatchUpInterrupted", "Reason", stop.reason);
            }
            LOG.info("catch-up ended early: {}", stop.reason);
            return run.result(stop.reason);
        }
        return run.result(null);
    }

    private final class Run {
        private final Reaper.Result tasks;
        private final Limits limits;
        private final Budget budget;
        private final Map<String, Integer> queuedPerEnvironment = new HashMap<>();
        private int pages;
        private int pending;
        private int queued;
        private int alreadyRunning;
        private int skipped;
        private int notVisible;

        Run(Reaper.Result tasks, Limits limits, Budget budget) {
            this.tasks = tasks;
            this.limits = limits;
            this.budget = budget;
        }

        /** @return true when the project was walked as far as one run walks a project */
        boolean project(long projectId) {
            String cursor = null;
            int projectPages = 0;
            do {
                if (pages >= limits.maxPages()) {
                    throw new Stop("MaxPages");
                }
                if (budget.exhausted()) {
                    throw new Stop("TimeBudget");
                }
                GitLabApi.Page page;
                try {
                    page = gitlab.pendingJobs(projectId, cursor);
                } catch (ConfigurationException e) {
                    LOG.error("catch-up cannot list pending jobs of project {}: {}", projectId, e.getMessage());
                    throw new Stop(e.reason());
                } catch (RetryableException e) {
                    LOG.warn("catch-up paused until the next run: {}{}", e.getMessage(),
                            e.retryAfter().map(d -> " (GitLab asks to wait " + d.toSeconds() + " s)").orElse(""));
                    throw new Stop(e.reason());
                } catch (ProjectNotVisibleException e) {
                    notVisible++;
                    metrics.count("JobNotVisible");
                    LOG.error("catch-up skipped project {}: {}", projectId, e.getMessage());
                    return true;
                } catch (PermanentException e) {
                    // e.g. 400 for one project: the others may still be fine.
                    LOG.error("catch-up skipped project {}: {}", projectId, e.getMessage());
                    metrics.count("CatchUpInterrupted", "Reason", e.reason());
                    return true;
                }
                pages++;
                projectPages++;
                for (GitLabJob job : page.jobs()) {
                    consider(projectId, job);
                }
                cursor = page.nextCursor();
                if (cursor != null && projectPages >= limits.maxPagesPerProject()) {
                    metrics.count("CatchUpInterrupted", "Reason", "MaxPagesPerProject");
                    LOG.warn("catch-up walked the newest {} page(s) of pending jobs of project {} (its limit per run); "
                            + "older pending jobs of it are not looked at in this run", projectPages, projectId);
                    return true;
                }
            } while (cursor != null);
            return true;
        }

        private void consider(long projectId, GitLabJob job) {
            if (!job.isPending()) {
                return;
            }
            pending++;
            // GitLab's listing only: a job without web_url or ref cannot pass a guard that needs them.
            RoutingDecision decision = router.route(new RoutableJob(projectId, job.projectPath(), job.ref(),
                    job.tags()));
            if (!(decision instanceof RoutingDecision.Routed routed)) {
                skip("Unroutable", projectId, job, "no environment takes it");
                return;
            }
            Environment environment = routed.environment();
            if (tasks.unknown().contains(environment.name())) {
                skip("TasksUnknown", projectId, job, "the tasks of " + environment.name() + " could not be listed");
                return;
            }
            if (tasks.startedBy().contains(environment.startedBy(projectId, job.id()))) {
                alreadyRunning++;
                return;
            }
            int planned = tasks.active(environment.name()) + queuedPerEnvironment.getOrDefault(environment.name(), 0);
            if (planned >= environment.maxConcurrentTasks()) {
                skip("AtCapacity", projectId, job, environment.name() + " is at its task limit");
                return;
            }
            if (queued >= limits.maxJobs()) {
                throw new Stop("MaxJobs");
            }
            try {
                queue.enqueue(pendingJob(projectId, job));
            } catch (RetryableException e) {
                LOG.error("catch-up cannot queue jobs: {}", e.getMessage());
                throw new Stop("QueueUnavailable");
            }
            queued++;
            queuedPerEnvironment.merge(environment.name(), 1, Integer::sum);
            metrics.count("CatchUpQueued", "Environment", environment.name());
            LOG.info("catch-up decision=queued job={} project={} environment={}: pending without a task",
                    job.id(), projectId, environment.name());
        }

        private void skip(String reason, long projectId, GitLabJob job, String why) {
            skipped++;
            metrics.count("CatchUpSkipped", "Reason", reason);
            LOG.info("catch-up decision=skipped reason={} job={} project={}: {}", reason, job.id(), projectId, why);
        }

        Result result(String stoppedBy) {
            return new Result(pages, pending, queued, alreadyRunning, skipped, notVisible, stoppedBy);
        }
    }

    private PendingJob pendingJob(long projectId, GitLabJob job) {
        Instant now = clock.instant();
        return new PendingJob(projectId, job.projectPath(), job.id(), job.name(), null, job.ref(),
                job.pipelineId(), null, null, null, null, now, projectId + ":" + job.id() + ":catch-up", 0,
                PendingJob.SOURCE_CATCH_UP);
    }
}
