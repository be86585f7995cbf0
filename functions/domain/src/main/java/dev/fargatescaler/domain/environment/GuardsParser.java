package dev.fargatescaler.domain.environment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** An environment's {@code guards}: which projects and refs may run there (docs/configuration.md). */
final class GuardsParser {

    private static final Set<String> GUARD_KEYS = Set.of("projectIds", "projectPaths", "refPattern");

    private GuardsParser() {
    }

    static Guards parse(JsonNode node, ConfigFields fields) {
        if (node == null || node.isNull()) {
            return Guards.NONE;
        }
        if (!node.isObject()) {
            fields.problem("guards must be an object");
            return Guards.NONE;
        }
        fields.unknownKeys(node, GUARD_KEYS, "guards.");
        Set<Long> ids = new LinkedHashSet<>();
        JsonNode idNode = node.get("projectIds");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isArray()) {
                fields.problem("guards.projectIds must be an array of project ids");
            } else {
                for (JsonNode id : idNode) {
                    if (!id.isIntegralNumber() || !id.canConvertToLong() || id.longValue() <= 0) {
                        fields.problem("guards.projectIds: " + id + " is not a project id (a positive integer)");
                    } else {
                        ids.add(id.longValue());
                    }
                }
            }
        }
        Set<String> paths = new LinkedHashSet<>();
        JsonNode pathNode = node.get("projectPaths");
        if (pathNode != null && !pathNode.isNull()) {
            if (!pathNode.isArray()) {
                fields.problem("guards.projectPaths must be an array of project paths");
            } else {
                for (JsonNode path : pathNode) {
                    String text = path.isTextual() ? path.textValue() : "";
                    if (text.isBlank() || text.startsWith("/") || text.contains(" ")
                            || text.equals("*") || text.equals("/*")) {
                        fields.problem("guards.projectPaths: " + path + " is not a project path such as "
                                + "\"group/app\" or a namespace such as \"group/*\"");
                    } else {
                        paths.add(text);
                    }
                }
            }
        }
        Pattern ref = null;
        JsonNode refNode = node.get("refPattern");
        if (refNode != null && !refNode.isNull()) {
            try {
                if (!refNode.isTextual() || refNode.textValue().isEmpty()) {
                    throw new PatternSyntaxException("must be a non-empty string", refNode.toString(), -1);
                }
                ref = Pattern.compile(refNode.textValue());
            } catch (PatternSyntaxException e) {
                fields.problem("guards.refPattern is not a valid regular expression: " + e.getDescription());
            }
        }
        return new Guards(ids, paths, ref);
    }
}
