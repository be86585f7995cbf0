package dev.fargatescaler.domain.lifecycle;

import dev.fargatescaler.domain.environment.Environments;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduled sweep: the reaper first (it also learns which jobs have a task), then the catch-up, which uses
 * what the reaper saw instead of listing the clusters again.
 */
public final class Sweeper {

    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

    private final Environments environments;
    private final Reaper reaper;
    private final CatchUp catchUp;
    private final CatchUpProjects projects;
    private final CatchUp.Limits limits;

    public Sweeper(Environments environments, Reaper reaper, CatchUp catchUp, CatchUpProjects projects,
                   CatchUp.Limits limits) {
        this.environments = Objects.requireNonNull(environments);
        this.reaper = Objects.requireNonNull(reaper);
        this.catchUp = Objects.requireNonNull(catchUp);
        this.projects = Objects.requireNonNull(projects);
        this.limits = Objects.requireNonNull(limits);
    }

    /** What a sweep did: returned by the handler (and printed by local invokes). */
    /**
     * What a sweep did.
     *
     * @param catchUpProjects active projects the catch-up had to walk
     * @param sweepAgeSeconds the longest time an active project went unswept ({@link CatchUpProjects})
     */
    public record Result(Reaper.Result reaper, CatchUp.Result catchUp, int catchUpProjects, long sweepAgeSeconds) {
    }

    public Result run(Budget budget) {
        Reaper.Result reaped = reaper.sweep(environments, budget);
        if (!projects.enabled()) {
            return new Result(reaped, new CatchUp.Result(0, 0, 0, 0, 0, 0, null), 0, 0);
        }
        CatchUpProjects.Run run = projects.start();
        CatchUp.Result caughtUp = catchUp.run(run.projects(), reaped, limits, budget, run::swept);
        long age = run.finish();
        LOG.info("sweep done: tasks_seen={} reaped={} catch_up_projects={} catch_up_pages={} pending_seen={} "
                        + "queued={} already_running={} skipped={} not_visible={} stopped_by={} sweep_age_s={}",
                reaped.tasksSeen(), reaped.reaped(), run.projects().size(), caughtUp.pages(), caughtUp.pendingSeen(),
                caughtUp.queued(), caughtUp.alreadyRunning(), caughtUp.skipped(), caughtUp.notVisible(),
                caughtUp.stoppedBy(), age);
        return new Result(reaped, caughtUp, run.projects().size(), age);
    }
}
