package dev.fargatescaler.domain.capacity;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How long a message waits before its next try: {@code 30 s × 2^(receiveCount − 1)}, capped at 15 minutes,
 * with "equal jitter" (half the delay fixed, half random) so that a burst of deferred jobs does not come back
 * as one burst. A dependency's own {@code Retry-After} wins when it asks for longer.
 *
 * <p>The delay is applied with SQS {@code ChangeMessageVisibility}, whose maximum is 12 hours.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 */
public final class Backoff {

    public static final Duration BASE = Duration.ofSeconds(30);
    public static final Duration CAP = Duration.ofMinutes(15);
    /** SQS refuses a visibility timeout above 12 hours. */
    public static final Duration SQS_MAX_VISIBILITY = Duration.ofHours(12);

    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;

    public Backoff(RandomGenerator random) {
        this(BASE, CAP, random);
    }

    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /**
     * @param receiveCount SQS {@code ApproximateReceiveCount} of the message (1 on its first delivery)
     * @param retryAfter   how long the dependency asked us to wait, if it did
     */
    public Duration delay(int receiveCount, Optional<Duration> retryAfter) {
        Duration exponential = exponential(receiveCount);
        long halfMillis = exponential.toMillis() / 2;
        Duration jittered = Duration.ofMillis(halfMillis + (halfMillis == 0 ? 0 : random.nextLong(halfMillis + 1)));
        Duration delay = retryAfter.filter(r -> r.compareTo(jittered) > 0).orElse(jittered);
        if (delay.compareTo(SQS_MAX_VISIBILITY) > 0) {
            delay = SQS_MAX_VISIBILITY;
        }
        // Visibility is set in whole seconds; never 0, which would make the message visible at once.
        return Duration.ofSeconds(Math.max(1, (delay.toMillis() + 999) / 1000));
    }

    /** The un-jittered delay: base × 2^(receiveCount − 1), capped. */
    public Duration exponential(int receiveCount) {
        int exponent = Math.max(0, Math.min(receiveCount - 1, 30));
        long millis = base.toMillis() << Math.min(exponent, 20);
        return millis >= cap.toMillis() || exponent >= 20 ? cap : Duration.ofMillis(millis);
    }
}
