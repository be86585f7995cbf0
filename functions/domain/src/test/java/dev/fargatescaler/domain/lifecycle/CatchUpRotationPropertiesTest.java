package dev.fargatescaler.domain.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.routing.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The catch-up reaches every active project, whatever their number and the page budget: runs every 5 minutes,
 * least recently swept first (this replaced "epoch minute mod n", which on a 5-minute schedule never reached
 * some projects when n shares a factor with 5, e.g. 4 projects and 2 pages per run).
 */
class CatchUpRotationPropertiesTest {

    private static final Instant START = Instant.parse("2026-11-28T12:00:00Z");

    @Property(tries = 400)
    void everyProjectIsSweptWithinTheRunsItsPagesNeed(@ForAll @IntRange(min = 1, max = 60) int projects,
                                                       @ForAll @IntRange(min = 1, max = 40) int pagesPerRun,
                                                       @ForAll @IntRange(min = 1, max = 3) int pagesPerProject) {
        Simulation sim = new Simulation(projects, pagesPerProject, Math.max(pagesPerRun, pagesPerProject));
        int budget = Math.max(pagesPerRun, pagesPerProject);
        // Each run walks whole projects only: at least floor(budget / pagesPerProject) of them.
        int perRun = budget / pagesPerProject;
        int runs = (projects + perRun - 1) / perRun;

        Set<Long> reached = new HashSet<>();
        for (int run = 0; run < runs; run++) {
            reached.addAll(sim.run());
        }

        assertThat(reached).as("%d projects of %d page(s), %d pages per run, %d runs", projects, pagesPerProject,
                budget, runs).hasSize(projects);
        // And it keeps going round: in the same number of runs again, every project is swept again.
        Set<Long> again = new HashSet<>();
        for (int run = 0; run < runs; run++) {
            again.addAll(sim.run());
        }
        assertThat(again).hasSize(projects);
    }

    @Property(tries = 200)
    void whileThePagesFitOneRunEveryProjectIsSweptEveryRunAndTheAgeStaysUnderTenMinutes(
            @ForAll @IntRange(min = 1, max = 50) int projects, @ForAll @IntRange(min = 0, max = 50) int spare) {
        Simulation sim = new Simulation(projects, 1, projects + spare);
        sim.run();
        for (int run = 0; run < 5; run++) {
            assertThat(sim.run()).hasSize(projects);
            assertThat(sim.metrics.points()).filteredOn(p -> p.name().equals(CatchUpProjects.METRIC_SWEEP_AGE))
                    .last().satisfies(p -> assertThat(p.value()).isLessThanOrEqualTo(Duration.ofMinutes(5)
                            .plusSeconds(projects).toSeconds()));
        }
    }

    @Property(tries = 100)
    void whenTheyDoNotTheAgeMetricShowsIt(@ForAll @IntRange(min = 3, max = 40) int projects) {
        // Half the projects fit one run: each is swept every other run, 10 minutes apart; the metric says more.
        Simulation sim = new Simulation(projects, 1, (projects + 1) / 2 - 1);
        for (int run = 0; run < 6; run++) {
            sim.run();
        }
        assertThat(sim.metrics.points()).filteredOn(p -> p.name().equals(CatchUpProjects.METRIC_SWEEP_AGE))
                .last().satisfies(p -> assertThat(p.value()).isGreaterThan(600));
    }

    /** Projects seen by the webhook, one sweep every 5 minutes, each page taking a second. */
    private static final class Simulation {
        final LifecycleFixtures.MutableClock clock = new LifecycleFixtures.MutableClock(START);
        final LifecycleFixtures.Registry registry = new LifecycleFixtures.Registry();
        final RecordingMetrics metrics = new RecordingMetrics();
        final LifecycleFixtures.FakeGitLab gitlab = new LifecycleFixtures.FakeGitLab() {
            @Override
            public Page pendingJobs(long projectId, String cursor) {
                clock.advance(Duration.ofSeconds(1));
                return super.pendingJobs(projectId, cursor);
            }
        };
        final Sweeper sweeper;

        Simulation(int projects, int pagesPerProject, int pagesPerRun) {
            gitlab.perPage = 1;
            for (long p = 1; p <= projects; p++) {
                registry.seen(p, START.minusSeconds(p));
                List<GitLabJob> jobs = new ArrayList<>();
                for (int j = 0; j < pagesPerProject; j++) {
                    jobs.add(new GitLabJob(p * 100 + j, p, "running", List.of("dev"), "main", "j", 1L, "g/p"));
                }
                gitlab.pending.put(p, jobs);
            }
            CatchUp catchUp = new CatchUp(gitlab, new LifecycleFixtures.Queue(),
                    new Router(LifecycleFixtures.environments()), metrics, clock);
            Reaper reaper = new Reaper(new LifecycleFixtures.FakeClusters(), metrics, clock);
            CatchUpProjects active = new CatchUpProjects(List.of(), registry, Duration.ofDays(7), metrics, clock);
            sweeper = new Sweeper(LifecycleFixtures.environments(), reaper, catchUp, active,
                    new CatchUp.Limits(Math.max(1, pagesPerRun), 100, Math.min(pagesPerProject, Math.max(1, pagesPerRun))));
        }

        /** One sweep; returns the projects swept in it. */
        Set<Long> run() {
            int before = registry.sweeps.size();
            sweeper.run(Budget.UNLIMITED);
            Set<Long> swept = new HashSet<>(registry.sweeps.subList(before, registry.sweeps.size()));
            clock.now = clock.now.plus(Duration.ofMinutes(5)).minusSeconds(clock.now.getEpochSecond() % 300);
            return swept;
        }
    }
}
