package dev.fargatescaler.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code local/stack.json}: the documented local values of the template's parameters and of the secrets
 * they name, which local mode creates on the emulator when they are missing.
 *
 * @param stackName  prefix of every local resource name (CloudFormation would use the stack's name)
 * @param parameters template parameter values that replace the defaults locally
 * @param secrets    secret name to local value; {@code ssm:/path} names are SSM SecureStrings, others Secrets
 *                   Manager secrets
 */
public record StackConfig(String stackName, Map<String, String> parameters, Map<String, String> secrets) {

    public static StackConfig load(Path file) throws IOException {
        JsonNode root = Json.MAPPER.readTree(Files.readAllBytes(file));
        return new StackConfig(root.path("stackName").asText("glfs-local"), strings(root.path("parameters")),
                strings(root.path("secrets")));
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getKey().startsWith("//")) {
                out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        });
        return out;
    }

    public StackConfig withParameters(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(parameters);
        merged.putAll(overrides);
        return new StackConfig(stackName, merged, secrets);
    }
}
