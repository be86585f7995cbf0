package dev.fargatescaler.domain.environment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The field checks the environment parsers share: each problem goes to the sink (labelled with the environment
 * by the caller), and a bad value yields the default, so that every problem of a configuration is reported at once.
 */
final class ConfigFields {

    private final Consumer<String> problems;

    ConfigFields(Consumer<String> problems) {
        this.problems = problems;
    }

    void problem(String what) {
        problems.accept(what);
    }

    void unknownKeys(JsonNode node, Set<String> known, String prefix) {
        node.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                problem("unknown key \"" + prefix + key + "\" (known: " + String.join(", ",
                        known.stream().sorted().toList()) + ")");
            }
        });
    }

    boolean bool(JsonNode node, String field, boolean defaultValue) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            problem(field + " must be true or false, got " + value);
            return defaultValue;
        }
        return value.booleanValue();
    }

    int integer(JsonNode node, String field, int defaultValue, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min
                || value.intValue() > max) {
            problem(field + " must be an integer from " + min + " to " + max + ", got " + value);
            return defaultValue;
        }
        return value.intValue();
    }
}
