package dev.fargatescaler.domain.environment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** An environment's {@code launchMode} (docs/configuration.md): Fargate, Fargate Spot or a capacity provider strategy. */
final class LaunchModeParser {

    private static final Set<String> LAUNCH_MODE_KEYS = Set.of("type", "strategy", "spotFallbackToOnDemand");
    private static final Set<String> STRATEGY_KEYS = Set.of("capacityProvider", "base", "weight");
    private static final Pattern CAPACITY_PROVIDER = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    private LaunchModeParser() {
    }

    static LaunchMode parse(JsonNode node, ConfigFields fields) {
        if (node == null || node.isNull()) {
            return LaunchMode.fargate();
        }
        if (!node.isObject()) {
            fields.problem("launchMode must be an object such as {\"type\": \"FARGATE_SPOT\"}");
            return LaunchMode.fargate();
        }
        fields.unknownKeys(node, LAUNCH_MODE_KEYS, "launchMode.");
        LaunchMode.Type type;
        try {
            type = LaunchMode.Type.valueOf(node.path("type").asText(""));
        } catch (IllegalArgumentException e) {
            fields.problem("launchMode.type must be FARGATE, FARGATE_SPOT or CAPACITY_PROVIDER_STRATEGY, got "
                    + node.get("type"));
            return LaunchMode.fargate();
        }
        boolean fallback = fields.bool(node, "spotFallbackToOnDemand", false);
        JsonNode strategy = node.get("strategy");
        List<LaunchMode.CapacityProviderShare> shares = new ArrayList<>();
        if (type != LaunchMode.Type.CAPACITY_PROVIDER_STRATEGY) {
            if (strategy != null && !strategy.isNull()) {
                fields.problem("launchMode.strategy is only allowed with type CAPACITY_PROVIDER_STRATEGY");
            }
        } else if (strategy == null || !strategy.isArray() || strategy.isEmpty() || strategy.size() > 6) {
            fields.problem("launchMode.strategy must be an array of 1 to 6 {capacityProvider, base, weight} entries");
        } else {
            int withBase = 0;
            int totalWeight = 0;
            Set<String> providers = new LinkedHashSet<>();
            for (JsonNode entry : strategy) {
                if (!entry.isObject()) {
                    fields.problem("launchMode.strategy entries must be objects");
                    continue;
                }
                fields.unknownKeys(entry, STRATEGY_KEYS, "launchMode.strategy[].");
                String provider = entry.path("capacityProvider").asText("");
                if (!CAPACITY_PROVIDER.matcher(provider).matches()) {
                    fields.problem("launchMode.strategy[].capacityProvider must be a capacity provider name, got "
                            + entry.get("capacityProvider"));
                } else if (!providers.add(provider)) {
                    fields.problem("launchMode.strategy lists capacity provider " + provider + " twice");
                }
                int base = fields.integer(entry, "base", 0, 0, 100_000);
                int weight = fields.integer(entry, "weight", 1, 0, 1000);
                if (base > 0) {
                    withBase++;
                }
                totalWeight += weight;
                shares.add(new LaunchMode.CapacityProviderShare(provider, base, weight));
            }
            if (withBase > 1) {
                fields.problem("launchMode.strategy: only one capacity provider may have a base (an ECS rule)");
            }
            if (totalWeight == 0) {
                fields.problem("launchMode.strategy: at least one capacity provider needs a weight above 0");
            }
        }
        return new LaunchMode(type, shares, fallback);
    }
}
