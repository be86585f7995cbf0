package dev.fargatescaler.domain.webhook;

import dev.fargatescaler.domain.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's side of catch-up discovery: tells {@link ProjectSightings} that a project is active, at most once
 * per project per {@code interval} in this container, so that the warm path writes nothing for almost every
 * delivery (the catch-up only needs to know a project was active within days). A write that fails never changes
 * the webhook's answer: it is logged, counted ({@code WebhookProjectNotRecorded}) and tried again for that project
 * after a minute.
 */
public final class ProjectActivity {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectActivity.class);

    public static final String METRIC_NOT_RECORDED = "WebhookProjectNotRecorded";
    /** After a failed write, the next delivery of the project tries again this much later. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);

    /** Records nothing: discovery off. */
    public static final ProjectActivity OFF = new ProjectActivity(null, Duration.ZERO, 1, Metrics.NONE,
            Clock.systemUTC());

    private final ProjectSightings sightings;
    private final Duration interval;
    private final Metrics metrics;
    private final Clock clock;
    /** When each project may be written again; bounded, least recently used first out. */
    private final Map<Long, Instant> nextWrite;

    /**
     * @param interval      at most one write per project per this long
     * @param maxRemembered projects remembered by this container (a forgotten one is simply written again)
     */
    public ProjectActivity(ProjectSightings sightings, Duration interval, int maxRemembered, Metrics metrics,
                           Clock clock) {
        this.sightings = sightings;
        this.interval = Objects.requireNonNull(interval);
        this.metrics = Objects.requireNonNull(metrics);
        this.clock = Objects.requireNonNull(clock);
        this.nextWrite = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Instant> eldest) {
                return size() > maxRemembered;
            }
        };
    }

    /** The project sent an authenticated Job Hook. Never throws. */
    public void seen(long projectId) {
        if (sightings == null || projectId <= 0) {
            return;
        }
        Instant now = clock.instant();
        synchronized (nextWrite) {
            Instant next = nextWrite.get(projectId);
            if (next != null && now.isBefore(next)) {
                return;
            }
            nextWrite.put(projectId, now.plus(interval));
        }
        try {
            sightings.seen(projectId, now);
        } catch (RuntimeException e) {
            synchronized (nextWrite) {
                nextWrite.put(projectId, now.plus(RETRY_AFTER_FAILURE));
            }
            metrics.count(METRIC_NOT_RECORDED);
            LOG.warn("could not record project {} for the catch-up ({}); the webhook's answer is unchanged",
                    projectId, e.getMessage());
        }
    }
}
