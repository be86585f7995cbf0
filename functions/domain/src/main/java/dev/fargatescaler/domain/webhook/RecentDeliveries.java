package dev.fargatescaler.domain.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers, per container, the delivery keys that were queued recently, so that an immediate repeat of the
 * same delivery (GitLab retrying after a slow answer, or a replayed signed request within the signature's
 * tolerance) is answered "ignored: duplicate" without a second queue message. Best effort only: another
 * container has its own memory, and that is fine because the scaler's launch is idempotent per job.
 * Bounded in size and age, so it costs a few hundred kilobytes at most.
 */
public final class RecentDeliveries {

    private final int capacity;
    private final Duration maxAge;
    private final Clock clock;
    private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();

    public RecentDeliveries(int capacity, Duration maxAge, Clock clock) {
        this.capacity = capacity;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** How long a queued delivery's key is remembered (for the duplicate answer). */
    public Duration maxAge() {
        return maxAge;
    }

    public synchronized boolean contains(String key) {
        evictOld();
        return key != null && seen.containsKey(key);
    }

    public synchronized void remember(String key) {
        if (key == null) {
            return;
        }
        seen.remove(key);
        seen.put(key, clock.instant());
        while (seen.size() > capacity) {
            Iterator<String> oldest = seen.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void evictOld() {
        Instant limit = clock.instant().minus(maxAge);
        Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator();
        while (it.hasNext() && it.next().getValue().isBefore(limit)) {
            it.remove();
        }
    }
}
