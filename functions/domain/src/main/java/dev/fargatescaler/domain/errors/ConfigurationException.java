package dev.fargatescaler.domain.errors;

import java.util.List;

/**
 * The installation is misconfigured: a bad environment definition, a GitLab token that is refused (401/403),
 * an IAM policy that denies RunTask. Unlike other permanent errors the message is NOT acknowledged: it is
 * failed so that it ends in the dead-letter queue, where an alarm fires, and can be redriven once the
 * configuration is fixed. Nothing is lost.
 */
public class ConfigurationException extends PermanentException {
    private final List<String> problems;

    public ConfigurationException(String reason, String message) {
        this(reason, message, null);
    }

    public ConfigurationException(String reason, String message, Throwable cause) {
        super(reason, message, cause);
        this.problems = List.of(message);
    }

    /** All problems found at once, so that an operator fixes the configuration in one pass. */
    public ConfigurationException(List<String> problems) {
        super("InvalidConfiguration", "invalid configuration (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
