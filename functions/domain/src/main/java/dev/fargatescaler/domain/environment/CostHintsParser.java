package dev.fargatescaler.domain.environment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** An environment's {@code cost} hints: the task size and architecture its cost is estimated with. */
final class CostHintsParser {

    private static final Set<String> COST_KEYS = Set.of("cpu", "memoryMiB", "architecture");

    private CostHintsParser() {
    }

    static CostHints parse(JsonNode node, ConfigFields fields) {
        if (node == null || node.isNull()) {
            return CostHints.NONE;
        }
        if (!node.isObject()) {
            fields.problem("cost must be an object");
            return CostHints.NONE;
        }
        fields.unknownKeys(node, COST_KEYS, "cost.");
        Integer cpu = node.hasNonNull("cpu") ? fields.integer(node, "cpu", 0, 256, 16_384) : null;
        Integer memory = node.hasNonNull("memoryMiB") ? fields.integer(node, "memoryMiB", 0, 512, 122_880) : null;
        String architecture = null;
        if (node.hasNonNull("architecture")) {
            architecture = node.get("architecture").asText();
            if (!architecture.equals("X86_64") && !architecture.equals("ARM64")) {
                fields.problem("cost.architecture must be X86_64 or ARM64, got " + node.get("architecture"));
            }
        }
        return new CostHints(cpu, memory, architecture);
    }
}
