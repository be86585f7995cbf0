package dev.fargatescaler.deploychecks;

import dev.fargatescaler.testkit.template.CfnYaml;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** Where the project's templates and the test templates are. */
final class Templates {

    private Templates() {
    }

    /** The repository root: set by Maven (surefire/failsafe {@code project.root}), else the parent directory. */
    static Path root() {
        String root = System.getProperty("project.root");
        return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    }

    static Map<String, Object> project(String name) {
        return CfnYaml.read(root().resolve(name));
    }

    static Map<String, Object> testTemplate(String name) {
        try {
            return CfnYaml.read(Path.of(Templates.class.getResource("/templates/" + name).toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
