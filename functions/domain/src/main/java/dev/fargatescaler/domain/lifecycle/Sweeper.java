package dev.fargatescaler.domain.lifecycle;

import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.environment.EnvironmentsSnapshot;
import dev.fargatescaler.domain.metrics.MetricUnit;
import dev.fargatescaler.domain.metrics.Metrics;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduled sweep: the reaper first (it also learns which jobs have a task), then the catch-up, which uses
 * what the reaper saw instead of listing the clusters again. Both use the environments as the provider knows them
 * at the start of the sweep; when none could ever be loaded, the sweep does nothing (it cannot tell this
 * product's tasks from others) and says why. Each sweep records {@code EnvironmentsConfigured}: the sweeper runs
 * every 5 minutes whatever the traffic, so the dashboard always shows how many environments the functions see
 * (0 right after a deploy without environments).
 */
public final class Sweeper {

    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

    private final EnvironmentsProvider environments;
    private final Metrics metrics;
    private final Reaper reaper;
    private final CatchUp catchUp;
    private final CatchUpProjects projects;
    private final CatchUp.Limits limits;

    public Sweeper(Environments environments, Reaper reaper, CatchUp catchUp, CatchUpProjects projects,
                   CatchUp.Limits limits) {
        this(EnvironmentsProvider.fixed(environments), Metrics.NONE, reaper, catchUp, projects, limits);
    }

    /** With environments refreshed while the container lives; the catch-up's Router should read the same provider. */
    public Sweeper(EnvironmentsProvider environments, Metrics metrics, Reaper reaper, CatchUp catchUp,
                   CatchUpProjects projects, CatchUp.Limits limits) {
        this.environments = Objects.requireNonNull(environments);
        this.metrics = Objects.requireNonNull(metrics);
        this.reaper = Objects.requireNonNull(reaper);
        this.catchUp = Objects.requireNonNull(catchUp);
        this.projects = Objects.requireNonNull(projects);
        this.limits = Objects.requireNonNull(limits);
    }

    /**
     * What a sweep did: returned by the handler (and printed by local invokes).
     *
     * @param catchUpProjects active projects the catch-up had to walk
     * @param sweepAgeSeconds the longest time an active project went unswept ({@link CatchUpProjects})
     */
    public record Result(Reaper.Result reaper, CatchUp.Result catchUp, int catchUpProjects, long sweepAgeSeconds) {
    }

    public Result run(Budget budget) {
        EnvironmentsSnapshot known = environments.current();
        if (!known.available()) {
            LOG.error("sweep skipped: the environments are unavailable ({})", known.unavailable().getMessage());
            return new Result(new Reaper.Result(0, 0, Set.of(), Map.of(), Set.of()),
                    new CatchUp.Result(0, 0, 0, 0, 0, 0, "EnvironmentsUnavailable"), 0, 0);
        }
        metrics.record("EnvironmentsConfigured", known.environments().all().size(), MetricUnit.COUNT, Map.of());
        Reaper.Result reaped = reaper.sweep(known.environments(), budget);
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
