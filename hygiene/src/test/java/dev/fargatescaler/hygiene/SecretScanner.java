package dev.fargatescaler.hygiene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds secret values in the files a test run leaves behind. */
final class SecretScanner {

    /** One leak: which file, which line, which secret (named by position, never printed). */
    record Finding(Path file, int line, int secretIndex) {
        @Override
        public String toString() {
            return file + ":" + line + " contains test secret #" + secretIndex;
        }
    }

    private final List<String> secrets;

    SecretScanner(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    /** The evidence files under a project root: captured logs, captured SDK requests, test output. */
    static List<Path> evidence(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/src/") && !p.toString().contains("/.git/"))
                    .filter(p -> p.getParent() != null && (
                            p.getParent().endsWith(Path.of("target", "test-logs"))
                                    || p.getParent().endsWith(Path.of("target", "test-traffic"))
                                    || (p.getParent().endsWith(Path.of("target", "surefire-reports"))
                                    && p.getFileName().toString().endsWith("-output.txt"))))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Finding> scan(List<Path> files) {
        List<Finding> findings = new ArrayList<>();
        for (Path file : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                // Binary or unreadable: scan the raw bytes as one line.
                try {
                    lines = List.of(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                } catch (IOException again) {
                    throw new UncheckedIOException(again);
                }
            }
            for (int i = 0; i < lines.size(); i++) {
                for (int s = 0; s < secrets.size(); s++) {
                    if (lines.get(i).contains(secrets.get(s))) {
                        findings.add(new Finding(file, i + 1, s));
                    }
                }
            }
        }
        return findings;
    }
}
