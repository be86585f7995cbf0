package dev.fargatescaler.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
        JsonNode root = Json.MAPPER.readTree(Files.readAllBytes(file));
        if (!root.isObject()) {
            throw new IOException(file + ": expected a JSON object like {\"WebhookFunction\": {\"VAR\": \"value\"}}");
        }
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        root.fields().forEachRemaining(section -> {
            Map<String, String> vars = new LinkedHashMap<>();
            section.getValue().fields().forEachRemaining(v -> vars.put(v.getKey(),
                    v.getValue().isTextual() ? v.getValue().textValue() : v.getValue().toString()));
            sections.put(section.getKey(), vars);
        });
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
