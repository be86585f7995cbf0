package dev.fargatescaler.domain.errors;

/**
 * A failure that retrying cannot fix: a malformed message, a job that cannot be routed. Logged, counted and
 * acknowledged so that it never poisons a batch.
 */
public class PermanentException extends RuntimeException {
    private final String reason;

    public PermanentException(String reason, String message) {
        this(reason, message, null);
    }

    public PermanentException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** A short, stable, metric-friendly code such as {@code MalformedMessage}. */
    public String reason() {
        return reason;
    }
}
