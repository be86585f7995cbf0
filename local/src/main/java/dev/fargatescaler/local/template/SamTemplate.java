package dev.fargatescaler.local.template;

import dev.fargatescaler.testkit.template.CfnYaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a SAM template that local mode needs: parameters, conditions, resources, and each function's
 * handler, code, timeout, memory and environment (with the template's {@code Globals} applied as SAM applies
 * them: function values win, environment variable maps are merged).
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html
 */
public final class SamTemplate {

    public static final String FUNCTION_TYPE = "AWS::Serverless::Function";

    /** One resource: its logical id, type and (unresolved) properties. */
    public record Resource(String logicalId, String type, Map<String, Object> properties) {
    }

    /**
     * A function as the template declares it; values are unresolved intrinsics until testkit's
     * {@code CfnEvaluator} resolves them.
     */
    public record Function(String logicalId, String handler, Object codeUri, Object timeout, Object memorySize,
                           Map<String, Object> environment, Map<String, Object> events) {
    }

    private final Path file;
    private final Map<String, Object> root;

    private SamTemplate(Path file, Map<String, Object> root) {
        this.file = file;
        this.root = root;
    }

    public static SamTemplate load(Path file) throws IOException {
        try {
            return new SamTemplate(file.toAbsolutePath(), CfnYaml.read(file));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The template as CloudFormation reads it (short-form tags in their long form). */
    public Map<String, Object> raw() {
        return root;
    }

    /** The directory that relative {@code CodeUri}s are resolved against. */
    public Path baseDirectory() {
        return file.getParent();
    }

    public Map<String, Object> parameters() {
        return section("Parameters");
    }

    public Map<String, Object> conditions() {
        return section("Conditions");
    }

    public Map<String, Object> mappings() {
        return section("Mappings");
    }

    public Map<String, Resource> resources() {
        Map<String, Resource> resources = new LinkedHashMap<>();
        section("Resources").forEach((id, value) -> {
            Map<String, Object> resource = map(value);
            resources.put(id, new Resource(id, String.valueOf(resource.get("Type")), map(resource.get("Properties"))));
        });
        return resources;
    }

    public List<Resource> resourcesOfType(String type) {
        List<Resource> found = new ArrayList<>();
        for (Resource r : resources().values()) {
            if (type.equals(r.type())) {
                found.add(r);
            }
        }
        return found;
    }

    public List<String> functionIds() {
        return resourcesOfType(FUNCTION_TYPE).stream().map(Resource::logicalId).toList();
    }

    public boolean hasFunction(String logicalId) {
        Resource resource = resources().get(logicalId);
        return resource != null && FUNCTION_TYPE.equals(resource.type());
    }

    /** @throws IllegalArgumentException naming the functions that exist, when there is no such function */
    public Function function(String logicalId) {
        Resource resource = resources().get(logicalId);
        if (!hasFunction(logicalId)) {
            throw new IllegalArgumentException("template " + file.getFileName() + " has no function " + logicalId
                    + "; its functions: " + String.join(", ", functionIds()));
        }
        Map<String, Object> globals = map(map(section("Globals")).get("Function"));
        Map<String, Object> props = resource.properties();
        Map<String, Object> env = new LinkedHashMap<>(map(map(globals.get("Environment")).get("Variables")));
        env.putAll(map(map(props.get("Environment")).get("Variables")));
        Object handler = props.getOrDefault("Handler", globals.get("Handler"));
        return new Function(logicalId, handler == null ? null : String.valueOf(handler),
                props.getOrDefault("CodeUri", globals.get("CodeUri")),
                props.getOrDefault("Timeout", globals.getOrDefault("Timeout", 3)),
                props.getOrDefault("MemorySize", globals.getOrDefault("MemorySize", 128)),
                env, map(props.get("Events")));
    }

    private Map<String, Object> section(String name) {
        return map(root.get(name));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
