package dev.fargatescaler.shared.config;

import dev.fargatescaler.domain.errors.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads function settings from environment variables and collects every problem, so that a misconfigured
 * deployment reports all of them in its first log line instead of one per redeploy. Usage: read every value,
 * then call {@link #validate()}.
 */
public final class EnvReader {

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    public EnvReader(Map<String, String> env) {
        this.env = env;
    }

    public static EnvReader system() {
        return new EnvReader(System.getenv());
    }

    public String required(String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            problems.add(name + " is required");
            return null;
        }
        return value.strip();
    }

    public String optional(String name, String defaultValue) {
        String value = env.get(name);
        return value == null || value.isBlank() ? defaultValue : value.strip();
    }

    public int integer(String name, int defaultValue, int min, int max) {
        return parse(name, defaultValue, Integer::parseInt, v -> v >= min && v <= max,
                "an integer from " + min + " to " + max);
    }

    public Duration seconds(String name, Duration defaultValue, long min, long max) {
        return parse(name, defaultValue, v -> Duration.ofSeconds(Long.parseLong(v)),
                d -> d.toSeconds() >= min && d.toSeconds() <= max, "a number of seconds from " + min + " to " + max);
    }

    public boolean bool(String name, boolean defaultValue) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1":
                return true;
            case "false", "no", "0":
                return false;
            default:
                problems.add(name + " must be true or false, got \"" + value + "\"");
                return defaultValue;
        }
    }

    /** Records a problem found by the caller's own cross-field checks. */
    public void problem(String problem) {
        problems.add(problem);
    }

    /** @throws ConfigurationException listing every problem found, if there is any */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    private <T> T parse(String name, T defaultValue, Function<String, T> parser, java.util.function.Predicate<T> valid,
                        String expected) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            T parsed = parser.apply(value.strip());
            if (valid.test(parsed)) {
                return parsed;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        problems.add(name + " must be " + expected + ", got \"" + value + "\"");
        return defaultValue;
    }
}
