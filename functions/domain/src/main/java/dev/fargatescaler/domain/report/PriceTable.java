package dev.fargatescaler.domain.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fargate prices used for cost estimates, per hour. The defaults are us-east-1 Linux prices
 * (https://aws.amazon.com/fargate/pricing/, see docs/lifecycle.md); other Regions and later price changes are
 * configured with JSON, where every key is optional:
 * <pre>{"x86_64": {"vcpuHour": 0.04048, "gbHour": 0.004445},
 *  "arm64": {"vcpuHour": 0.03238, "gbHour": 0.00356},
 *  "spotDiscount": 0.70}</pre>
 *
 * @param spotDiscount the fraction Fargate Spot saves over on-demand (0.70 = 70 % less)
 */
public record PriceTable(Rate x86, Rate arm64, double spotDiscount) {

    public static final String X86_64 = "x86_64";
    public static final String ARM64 = "arm64";

    /** One architecture's prices in USD per hour. */
    public record Rate(double vcpuHour, double gbHour) {
    }

    public static final PriceTable DEFAULT = new PriceTable(new Rate(0.04048, 0.004445), new Rate(0.03238, 0.00356),
            0.70);

    public Rate rate(String architecture) {
        return ARM64.equals(architecture) ? arm64 : x86;
    }

    /**
     * The canonical architecture name ({@code x86_64} or {@code arm64}) of ECS's and Docker's spellings, or
     * null when unknown.
     */
    public static String normaliseArchitecture(String architecture) {
        if (architecture == null) {
            return null;
        }
        return switch (architecture.strip().toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64", "x86-64", "x64" -> X86_64;
            case "arm64", "aarch64", "arm64v8" -> ARM64;
            default -> null;
        };
    }

    /**
     * Reads a price table, starting from {@link #DEFAULT}.
     *
     * @throws ConfigurationException listing every problem
     */
    public static PriceTable parse(String json) {
        if (json == null || json.isBlank()) {
            return DEFAULT;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException("InvalidPriceTable", "the price table is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new ConfigurationException("InvalidPriceTable", "the price table must be a JSON object");
        }
        List<String> problems = new ArrayList<>();
        Rate x86 = rate(node, X86_64, DEFAULT.x86, problems);
        Rate arm = rate(node, ARM64, DEFAULT.arm64, problems);
        double discount = number(node, "spotDiscount", DEFAULT.spotDiscount, problems);
        if (discount < 0 || discount >= 1) {
            problems.add("price table: spotDiscount must be from 0 to less than 1, got " + discount);
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!List.of(X86_64, ARM64, "spotDiscount").contains(name)) {
                problems.add("price table: unknown key \"" + name + "\" (expected x86_64, arm64, spotDiscount)");
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new PriceTable(x86, arm, discount);
    }

    private static Rate rate(JsonNode node, String key, Rate fallback, List<String> problems) {
        JsonNode rate = node.get(key);
        if (rate == null) {
            return fallback;
        }
        if (!rate.isObject()) {
            problems.add("price table: " + key + " must be an object with vcpuHour and gbHour");
            return fallback;
        }
        return new Rate(number(rate, "vcpuHour", fallback.vcpuHour(), problems, key),
                number(rate, "gbHour", fallback.gbHour(), problems, key));
    }

    private static double number(JsonNode node, String key, double fallback, List<String> problems) {
        return number(node, key, fallback, problems, null);
    }

    private static double number(JsonNode node, String key, double fallback, List<String> problems, String parent) {
        JsonNode value = node.get(key);
        if (value == null) {
            return fallback;
        }
        String where = parent == null ? key : parent + "." + key;
        if (!value.isNumber() || value.asDouble() < 0 || !Double.isFinite(value.asDouble())) {
            problems.add("price table: " + where + " must be a non-negative number, got " + value);
            return fallback;
        }
        return value.asDouble();
    }
}
