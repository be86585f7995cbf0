package dev.fargatescaler.domain.lifecycle;

import dev.fargatescaler.domain.metrics.MetricUnit;
import dev.fargatescaler.domain.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which projects the catch-up walks, in which order, and how far behind it is.
 *
 * <p>Active projects: those listed in {@code CATCH_UP_PROJECT_IDS}, plus every project whose webhook reached this
 * deployment within the active window (the {@link ProjectRegistry}). They are walked least recently swept first
 * (never swept first of all), and each one walked to its end is recorded as swept; so a run that its page budget
 * or its time ends early is continued by the next run where it stopped, and every active project is reached in
 * turn whatever their number (a fixed rotation such as "epoch minute mod n" on a 5-minute schedule would visit
 * only some of them when n shares a factor with 5).
 *
 * <p>Metrics, once per run: {@code CatchUpProjects} (active projects) and {@code CatchUpSweepAge} (seconds), the
 * longest time any active project went unswept: for a project swept in this run, the time since its previous
 * sweep (or since it was first seen); for one that was not, the time since then until the end of the run. A
 * pending job whose webhook was lost waits at most that long, so the alarm on it is the bound "a missed job is
 * found within 10 minutes" failing. {@code CatchUpDiscoveryFailed} counts runs whose registry could not be read
 * (they walk only the listed projects).
 */
public final class CatchUpProjects {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpProjects.class);

    public static final String METRIC_PROJECTS = "CatchUpProjects";
    public static final String METRIC_SWEEP_AGE = "CatchUpSweepAge";
    public static final String METRIC_DISCOVERY_FAILED = "CatchUpDiscoveryFailed";
    public static final String METRIC_SWEEP_NOT_RECORDED = "CatchUpSweepNotRecorded";

    private final List<Long> listed;
    private final ProjectRegistry registry;
    private final Duration activeWindow;
    private final Metrics metrics;
    private final Clock clock;

    /**
     * @param listed       {@code CATCH_UP_PROJECT_IDS}: always walked
     * @param registry     the projects seen by the webhook; null turns discovery off
     * @param activeWindow how recently a project must have sent a webhook to be walked
     */
    public CatchUpProjects(List<Long> listed, ProjectRegistry registry, Duration activeWindow, Metrics metrics,
                           Clock clock) {
        this.listed = List.copyOf(listed);
        this.registry = registry;
        this.activeWindow = Objects.requireNonNull(activeWindow);
        this.metrics = Objects.requireNonNull(metrics);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Whether there can be anything to walk. */
    public boolean enabled() {
        return registry != null || !listed.isEmpty();
    }

    /** Reads the registry and orders the active projects for one run. Never throws. */
    public Run start() {
        Instant now = clock.instant();
        Map<Long, ProjectRegistry.KnownProject> known = new HashMap<>();
        if (registry != null) {
            try {
                for (ProjectRegistry.KnownProject project : registry.projects()) {
                    known.put(project.projectId(), project);
                }
            } catch (RuntimeException e) {
                metrics.count(METRIC_DISCOVERY_FAILED);
                LOG.error("catch-up cannot read the projects seen by the webhook ({}); this run walks only "
                        + "CATCH_UP_PROJECT_IDS ({} project(s))", e.getMessage(), listed.size());
            }
        }
        Instant activeSince = now.minus(activeWindow);
        Set<Long> active = new LinkedHashSet<>(listed);
        for (ProjectRegistry.KnownProject project : known.values()) {
            if (project.lastSeenAt() != null && !project.lastSeenAt().isBefore(activeSince)) {
                active.add(project.projectId());
            }
        }
        List<ProjectRegistry.KnownProject> ordered = new ArrayList<>();
        for (long id : active) {
            ordered.add(known.getOrDefault(id, new ProjectRegistry.KnownProject(id, null, null, null)));
        }
        ordered.sort(Comparator
                .comparing((ProjectRegistry.KnownProject p) -> orMin(p.lastSweptAt()))
                .thenComparing(p -> orMin(p.firstSeenAt()))
                .thenComparingLong(ProjectRegistry.KnownProject::projectId));
        return new Run(ordered);
    }

    private static Instant orMin(Instant instant) {
        return instant == null ? Instant.MIN : instant;
    }

    /** One run's projects, and what was swept. */
    public final class Run {
        private final List<ProjectRegistry.KnownProject> ordered;
        private final Set<Long> sweptNow = new HashSet<>();
        private long maxAgeSeconds;

        private Run(List<ProjectRegistry.KnownProject> ordered) {
            this.ordered = ordered;
        }

        /** The active projects, least recently swept first. */
        public List<Long> projects() {
            return ordered.stream().map(ProjectRegistry.KnownProject::projectId).toList();
        }

        /** The project was walked to its end (or as far as a project may be walked in one run). Never throws. */
        public void swept(long projectId) {
            Instant now = clock.instant();
            ordered.stream().filter(p -> p.projectId() == projectId).findFirst()
                    .ifPresent(p -> maxAgeSeconds = Math.max(maxAgeSeconds, age(p, now)));
            sweptNow.add(projectId);
            if (registry == null) {
                return;
            }
            try {
                registry.swept(projectId, now);
            } catch (RuntimeException e) {
                // Only the order of the next runs suffers: this project may be walked again sooner than needed.
                metrics.count(METRIC_SWEEP_NOT_RECORDED);
                LOG.warn("catch-up could not record the sweep of project {}: {}", projectId, e.getMessage());
            }
        }

        /** Publishes the run's metrics; returns the sweep age in seconds. */
        public long finish() {
            Instant now = clock.instant();
            for (ProjectRegistry.KnownProject project : ordered) {
                if (!sweptNow.contains(project.projectId())) {
                    maxAgeSeconds = Math.max(maxAgeSeconds, age(project, now));
                }
            }
            metrics.record(METRIC_PROJECTS, ordered.size(), MetricUnit.COUNT, Map.of());
            metrics.record(METRIC_SWEEP_AGE, maxAgeSeconds, MetricUnit.SECONDS, Map.of());
            return maxAgeSeconds;
        }

        /** How long the project had gone unswept at {@code now}; 0 when nothing is known of it yet. */
        private long age(ProjectRegistry.KnownProject project, Instant now) {
            Instant since = project.lastSweptAt() != null ? project.lastSweptAt()
                    : project.firstSeenAt() != null ? project.firstSeenAt() : project.lastSeenAt();
            return since == null ? 0 : Math.max(0, Duration.between(since, now).toSeconds());
        }
    }
}
