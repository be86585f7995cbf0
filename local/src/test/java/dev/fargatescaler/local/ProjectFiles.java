package dev.fargatescaler.local;

import java.nio.file.Path;

/** Where the project's files are during a test run (surefire sets {@code project.root}). */
final class ProjectFiles {

    private ProjectFiles() {
    }

    static Path root() {
        String root = System.getProperty("project.root");
        return Path.of(root == null ? ".." : root).toAbsolutePath().normalize();
    }

    /** Functions' logs during tests: where the build's secret-hygiene check reads them. */
    static Path functionLog() {
        try {
            Path dir = java.nio.file.Files.createDirectories(Path.of("target", "test-logs"));
            return dir.resolve("local-functions.log").toAbsolutePath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path event(String name) {
        return root().resolve("events").resolve(name);
    }
}
