package dev.fargatescaler.domain.lifecycle;

import dev.fargatescaler.domain.environment.Environments;
import java.util.List;
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
    private final List<Long> projectIds;
    private final CatchUp.Limits limits;

    public Sweeper(Environments environments, Reaper reaper, CatchUp catchUp, List<Long> projectIds,
                   CatchUp.Limits limits) {
        this.environments = Objects.requireNonNull(environments);
        this.reaper = Objects.requireNonNull(reaper);
        this.catchUp = Objects.requireNonNull(catchUp);
        this.projectIds = List.copyOf(projectIds);
        this.limits = Objects.requireNonNull(limits);
    }

    /** What a sweep did: returned by the handler (and printed by local invokes). */
    public record Result(Reaper.Result reaper, CatchUp.Result catchUp) {
    }

    public Result run(Budget budget) {
        Reaper.Result reaped = reaper.sweep(environments, budget);
        CatchUp.Result caughtUp = catchUp.run(projectIds, reaped, limits, budget);
        LOG.info("sweep done: tasks_seen={} reaped={} catch_up_pages={} pending_seen={} queued={} "
                        + "already_running={} skipped={} stopped_by={}", reaped.tasksSeen(), reaped.reaped(),
                caughtUp.pages(), caughtUp.pendingSeen(), caughtUp.queued(), caughtUp.alreadyRunning(),
                caughtUp.skipped(), caughtUp.stoppedBy());
        return new Result(reaped, caughtUp);
    }
}
