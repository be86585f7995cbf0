package dev.fargatescaler.domain.environment;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EnvironmentsProvider} over a changeable {@link EnvironmentsSource} (SSM). When the list is reloaded:
 * <ul>
 *   <li>at construction (the function's init; with SnapStart that list is in the snapshot);</li>
 *   <li>after each SnapStart restore ({@link #afterRestore()}, called by the function's restore hook), so a
 *       restored container never starts with the list of the day its version was published;</li>
 *   <li>on the first use past the TTL ({@code ENVIRONMENTS_REFRESH_SECONDS});</li>
 *   <li>on demand ({@link #refresh()}), when a job cannot be routed under a list older than the job.</li>
 * </ul>
 * A failed reload never fails the caller: the last good list is kept (it then ages past its TTL, so that jobs it
 * cannot route are deferred, not dropped), the failure is logged and counted as {@code EnvironmentsRefreshFailed},
 * and the next attempt waits {@code retryAfterFailure}, so that a failing store costs an invocation at most one
 * bounded call (the SSM client's call timeout) per that period rather than one per message.
 */
public final class RefreshingEnvironments implements EnvironmentsProvider {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshingEnvironments.class);
    /** Forced reloads closer together than this return the list at hand: one reload serves a whole batch. */
    static final Duration MIN_FORCED_INTERVAL = Duration.ofSeconds(1);

    private final EnvironmentsSource source;
    private final Duration ttl;
    private final Duration retryAfterFailure;
    private final Clock clock;
    private final Metrics metrics;

    private Environments environments;
    private Instant loadedAt;
    private RuntimeException lastFailure;
    private Instant lastAttemptAt;
    private boolean lastAttemptFailed;

    public RefreshingEnvironments(EnvironmentsSource source, Duration ttl, Clock clock, Metrics metrics) {
        this.source = Objects.requireNonNull(source);
        this.ttl = Objects.requireNonNull(ttl);
        this.retryAfterFailure = ttl.compareTo(Duration.ofMinutes(1)) < 0 ? ttl : Duration.ofMinutes(1);
        this.clock = Objects.requireNonNull(clock);
        this.metrics = Objects.requireNonNull(metrics);
        reload("init");
    }

    @Override
    public synchronized EnvironmentsSnapshot current() {
        Instant now = clock.instant();
        boolean stale = environments == null || now.isAfter(loadedAt.plus(ttl));
        if (stale && mayAttempt(now, lastAttemptFailed ? retryAfterFailure : Duration.ZERO)) {
            reload(environments == null ? "retry" : "ttl");
        }
        return snapshot();
    }

    @Override
    public synchronized EnvironmentsSnapshot refresh() {
        Instant now = clock.instant();
        if (mayAttempt(now, lastAttemptFailed ? retryAfterFailure : MIN_FORCED_INTERVAL)) {
            reload("forced");
        }
        return snapshot();
    }

    /** SnapStart restore hook: the snapshot's list is as old as the published version, so reload at once. */
    public synchronized void afterRestore() {
        reload("restore");
    }

    private boolean mayAttempt(Instant now, Duration wait) {
        return lastAttemptAt == null || !now.isBefore(lastAttemptAt.plus(wait));
    }

    private EnvironmentsSnapshot snapshot() {
        return new EnvironmentsSnapshot(environments, loadedAt, ttl,
                environments == null ? unavailable() : null);
    }

    private RuntimeException unavailable() {
        if (lastFailure instanceof RetryableException || lastFailure instanceof ConfigurationException) {
            return lastFailure;
        }
        return new RetryableException("EnvironmentsUnavailable", "the environments could not be read from "
                + source.describe() + (lastFailure == null ? "" : ": " + lastFailure.getMessage()), lastFailure);
    }

    private void reload(String why) {
        Instant now = clock.instant();
        lastAttemptAt = now;
        Environments loaded;
        try {
            loaded = Objects.requireNonNull(source.load(), "source returned null");
        } catch (RuntimeException e) {
            lastAttemptFailed = true;
            lastFailure = e;
            String reason = e instanceof RetryableException r ? r.reason()
                    : e instanceof ConfigurationException c ? c.reason() : "Unexpected";
            metrics.count("EnvironmentsRefreshFailed", "Reason", reason);
            if (environments == null) {
                LOG.error("environments could not be read from {} ({}): jobs are deferred until they can be; "
                        + "next attempt in {} s: {}", source.describe(), why, retryAfterFailure.toSeconds(),
                        e.getMessage());
            } else {
                LOG.warn("environments could not be reloaded from {} ({}): keeping the list loaded at {} ({}); next "
                        + "attempt in {} s: {}", source.describe(), why, loadedAt, environments.names(),
                        retryAfterFailure.toSeconds(), e.getMessage());
            }
            return;
        }
        lastAttemptFailed = false;
        lastFailure = null;
        List<String> before = environments == null ? null : environments.names();
        if (loaded.all().isEmpty() && (before == null || !before.isEmpty())) {
            LOG.warn("no environment is configured in {}: the functions run, and every job is deferred (kept in "
                    + "the queue, never dropped) until an environment is added; deploy an environment stack "
                    + "(docs/deploy.md)", source.describe());
        } else if (before != null && !before.equals(loaded.names())) {
            LOG.info("environments changed ({}): {} -> {}", why, before, loaded.names());
        } else if (before == null) {
            LOG.info("environments loaded from {}: {}", source.describe(), loaded.names());
        }
        environments = loaded;
        loadedAt = now;
    }
}
