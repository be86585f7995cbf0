package dev.fargatescaler.domain.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caches secrets for a time-to-live so that a warm function reads its secret store once per TTL, not once per
 * request (cost and latency), while a rotated secret is still picked up without a redeploy. If a refresh fails
 * and a previous value exists, the previous value is kept for one more TTL: a brief Secrets Manager outage
 * must not turn into 401s for GitLab.
 */
public final class CachingSecretSource implements SecretSource {

    private record Entry(String value, Instant fetchedAt) {
    }

    private final SecretSource delegate;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public CachingSecretSource(SecretSource delegate, Duration ttl, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate);
        this.ttl = Objects.requireNonNull(ttl);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public String secret(String reference) {
        Instant now = clock.instant();
        Entry entry = cache.get(reference);
        if (entry != null && now.isBefore(entry.fetchedAt().plus(ttl))) {
            return entry.value();
        }
        try {
            String value = delegate.secret(reference);
            cache.put(reference, new Entry(value, now));
            return value;
        } catch (RuntimeException e) {
            if (entry != null && !(e instanceof dev.fargatescaler.domain.errors.ConfigurationException)) {
                cache.put(reference, new Entry(entry.value(), now));
                return entry.value();
            }
            throw e;
        }
    }
}
