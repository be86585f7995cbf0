package dev.fargatescaler.hygiene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.testkit.TestSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fails the build if any configured test secret (see {@link TestSecrets}) appears in a log line, an AWS request
 * (RunTask, SendMessage, ChangeMessageVisibility…) or a test's output anywhere in the test run. Runs last: this
 * module depends on every other one.
 */
class SecretHygieneTest {

    static Path projectRoot() {
        String root = System.getProperty("project.root");
        return Path.of(root == null ? ".." : root).toAbsolutePath().normalize();
    }

    @Test
    void noSecretAppearsAnywhereInTheTestRun() throws IOException {
        List<Path> evidence = SecretScanner.evidence(projectRoot());

        // The check is only meaningful if the capture worked: there must be logs and AWS traffic to read.
        assertThat(evidence).as("captured logs").anySatisfy(p -> assertThat(p.toString()).contains("test-logs"));
        assertThat(evidence).as("captured AWS requests").anySatisfy(p -> assertThat(p.toString()).contains("test-traffic"));
        long sendMessages = 0;
        for (Path p : evidence) {
            if (p.toString().contains("test-traffic")) {
                sendMessages += Files.readAllLines(p).stream().filter(l -> l.contains("SendMessage")).count();
            }
        }
        assertThat(sendMessages).as("queue messages captured").isPositive();

        List<SecretScanner.Finding> findings = new SecretScanner(TestSecrets.all()).scan(evidence);

        assertThat(findings).as("secrets found in %d captured files", evidence.size()).isEmpty();
    }

    @Test
    void theScannerFindsAPlantedSecret(@TempDir Path dir) throws IOException {
        Path logs = Files.createDirectories(dir.resolve("module/target/test-logs"));
        Files.writeString(logs.resolve("test.log"), "{\"message\":\"ok\"}\n{\"message\":\"token "
                + TestSecrets.RUNNER_TOKEN + "\"}\n");
        Path traffic = Files.createDirectories(dir.resolve("module/target/test-traffic"));
        Files.writeString(traffic.resolve("sdk-requests.log"), "POST / AmazonEC2ContainerServiceV20141113.RunTask "
                + "{\"overrides\":{\"containerOverrides\":[{\"environment\":[{\"name\":\"T\",\"value\":\""
                + TestSecrets.GITLAB_API_TOKEN + "\"}]}]}}\n");
        Path src = Files.createDirectories(dir.resolve("module/src/test-logs"));
        Files.writeString(src.resolve("ignored.log"), TestSecrets.RUNNER_TOKEN);

        List<SecretScanner.Finding> findings = new SecretScanner(TestSecrets.all()).scan(SecretScanner.evidence(dir));

        assertThat(findings).extracting(f -> f.file().getFileName().toString() + ":" + f.line())
                .contains("test.log:2", "sdk-requests.log:1")
                .doesNotContain("ignored.log:1");
        assertThat(findings.toString()).doesNotContain(TestSecrets.RUNNER_TOKEN);
    }
}
