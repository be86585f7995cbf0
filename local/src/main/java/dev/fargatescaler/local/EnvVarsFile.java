package dev.fargatescaler.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.local.cli.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Environment variable overrides in the format of {@code sam local invoke --env-vars}: a JSON object whose
 * {@code "Parameters"} entry applies to every function and whose other entries, keyed by a function's logical
 * id, apply to that function only (and win). As in SAM, only variables the template declares for the function
 * are overridden. https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-using-invoke.html#serverless-sam-cli-using-invoke-environment-file
 */
public final class EnvVarsFile {

    public static final EnvVarsFile NONE = new EnvVarsFile(Map.of());

    private final Map<String, Map<String, String>> sections;

    private EnvVarsFile(Map<String, Map<String, String>> sections) {
        this.sections = sections;
    }

    public static EnvVarsFile load(Path file) throws IOException {
        return load(file, m -> { });
    }

    /**
     * @param warn told about entries that cannot mean anything in SAM's format (a flat {@code {"VAR": "value"}})
     * @throws UserError when the file is missing, not JSON (with the line and column) or not an object
     */
    public static EnvVarsFile load(Path file, Consumer<String> warn) throws IOException {
        InvokeCommand.existing(file, "--env-vars file", "a JSON object in SAM's format: "
                + "{\"Parameters\": {\"VAR\": \"value\"}, \"WebhookFunction\": {\"VAR\": \"value\"}}");
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new UserError("--env-vars file " + file + " is not JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new UserError("--env-vars file " + file + ": expected a JSON object like "
                    + "{\"WebhookFunction\": {\"VAR\": \"value\"}}");
        }
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        List<String> flat = new ArrayList<>();
        root.fields().forEachRemaining(section -> {
            if (!section.getValue().isObject()) {
                flat.add(section.getKey());
                return;
            }
            Map<String, String> vars = new LinkedHashMap<>();
            section.getValue().fields().forEachRemaining(v -> vars.put(v.getKey(),
                    v.getValue().isTextual() ? v.getValue().textValue() : v.getValue().toString()));
            sections.put(section.getKey(), vars);
        });
        if (!flat.isEmpty()) {
            warn.accept("warning: --env-vars file " + file + " has top-level values (" + String.join(", ", flat)
                    + "), which SAM's format ignores: it nests variables per function, {\"ScalerFunction\": {\""
                    + flat.get(0) + "\": \"...\"}}, or under \"Parameters\" for every function");
        }
        return new EnvVarsFile(sections);
    }

    /**
     * These overrides on top of local mode's own (which apply to every function that declares the variable);
     * the file's entries win.
     */
    public EnvVarsFile over(Map<String, String> localValues) {
        Map<String, Map<String, String>> merged = new LinkedHashMap<>(sections);
        Map<String, String> all = new LinkedHashMap<>(localValues);
        all.putAll(sections.getOrDefault("Parameters", Map.of()));
        merged.put("Parameters", all);
        return new EnvVarsFile(merged);
    }

    /** The overrides for one function: {@code Parameters} first, then the function's own entries. */
    public Map<String, String> forFunction(String logicalId) {
        Map<String, String> merged = new LinkedHashMap<>(sections.getOrDefault("Parameters", Map.of()));
        merged.putAll(sections.getOrDefault(logicalId, Map.of()));
        return merged;
    }
}
