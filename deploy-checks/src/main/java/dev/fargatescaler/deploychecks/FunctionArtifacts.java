package dev.fargatescaler.deploychecks;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

/**
 * Checks what {@code sam build}/{@code sam deploy} would need from the Maven build, without SAM: every
 * {@code AWS::Serverless::Function}'s {@code CodeUri} names a jar that exists, and its {@code Handler} class is in
 * that jar, loads from the jar alone (its dependencies are shaded in) and has a public handler method.
 */
public final class FunctionArtifacts {

    /** One function of the template. */
    public record Function(String id, String codeUri, String handlerClass, String handlerMethod) {
    }

    private FunctionArtifacts() {
    }

    public static List<Function> functions(Map<String, Object> template) {
        Map<String, Object> globals = map(map(template.get("Globals")).get("Function"));
        List<Function> functions = new ArrayList<>();
        for (Map.Entry<String, Object> entry : map(template.get("Resources")).entrySet()) {
            Map<String, Object> resource = map(entry.getValue());
            if (!"AWS::Serverless::Function".equals(resource.get("Type"))) {
                continue;
            }
            Map<String, Object> props = map(resource.get("Properties"));
            Object codeUri = props.getOrDefault("CodeUri", globals.get("CodeUri"));
            Object handler = props.getOrDefault("Handler", globals.get("Handler"));
            String[] parts = String.valueOf(handler).split("::", 2);
            functions.add(new Function(entry.getKey(), String.valueOf(codeUri), parts[0],
                    parts.length > 1 ? parts[1] : "handleRequest"));
        }
        return functions;
    }

    /** Every problem with every function's artifact, relative to the project root; empty when all is well. */
    public static List<String> problems(Path projectRoot, Map<String, Object> template) {
        List<String> problems = new ArrayList<>();
        for (Function function : functions(template)) {
            problems.addAll(problems(projectRoot, function));
        }
        return problems;
    }

    static List<String> problems(Path projectRoot, Function f) {
        Path jar = projectRoot.resolve(f.codeUri());
        if (!f.codeUri().endsWith(".jar") || !Files.isRegularFile(jar)) {
            return List.of(f.id() + ": CodeUri " + f.codeUri() + " is not a jar that `mvn package` produced");
        }
        String entry = f.handlerClass().replace('.', '/') + ".class";
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getEntry(entry) == null) {
                return List.of(f.id() + ": " + f.codeUri() + " has no " + entry + " (Handler " + f.handlerClass() + ")");
            }
        } catch (IOException e) {
            return List.of(f.id() + ": cannot open " + jar + ": " + e);
        }
        // Loaded from the jar alone (platform classes as parent, not this test's classpath): a handler whose
        // interfaces or signature types were not shaded in fails here, as it would in Lambda.
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> handler = Class.forName(f.handlerClass(), false, loader);
            boolean hasMethod = Arrays.stream(handler.getMethods())
                    .anyMatch(m -> m.getName().equals(f.handlerMethod()) && !Modifier.isStatic(m.getModifiers())
                            && Modifier.isPublic(m.getModifiers()));
            if (!hasMethod) {
                return List.of(f.id() + ": " + f.handlerClass() + " has no public method " + f.handlerMethod());
            }
            if (Modifier.isAbstract(handler.getModifiers())) {
                return List.of(f.id() + ": " + f.handlerClass() + " is abstract");
            }
            try {
                handler.getConstructor();
            } catch (NoSuchMethodException e) {
                return List.of(f.id() + ": " + f.handlerClass() + " has no public no-argument constructor, which Lambda needs");
            }
            return List.of();
        } catch (ReflectiveOperationException | LinkageError e) {
            return List.of(f.id() + ": " + f.handlerClass() + " does not load from " + f.codeUri() + ": " + e);
        } catch (IOException e) {
            return List.of(f.id() + ": cannot read " + jar + ": " + e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
