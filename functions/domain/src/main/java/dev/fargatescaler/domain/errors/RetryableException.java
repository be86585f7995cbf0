package dev.fargatescaler.domain.errors;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that is expected to go away by itself: throttling, capacity shortage, 5xx, 429, a dependency
 * that is briefly unreachable. The message goes back to the queue and is tried again later.
 */
public class RetryableException extends RuntimeException {
    private final String reason;
    private final Duration retryAfter;

    public RetryableException(String reason, String message) {
        this(reason, message, null, null);
    }

    public RetryableException(String reason, String message, Throwable cause) {
        this(reason, message, null, cause);
    }

    /**
     * @param reason     a short, stable, metric-friendly code such as {@code Throttling} or {@code GitLab5xx}
     * @param retryAfter how long the dependency asked us to wait (for example HTTP {@code Retry-After}), or null
     */
    public RetryableException(String reason, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public String reason() {
        return reason;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
