package dev.fargatescaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * {@code bin/local start} as a process: once ready, SIGTERM (what Ctrl-C's SIGINT also triggers) stops
 * everything it started (moto_server, the function workers) and prints the summary. Run with
 * {@code AWS_REGION=eu-west-1}: the environments it prints must exist in that region.
 */
class StartStopTest {

    @Test
    void aSignalStopsEverythingTheCommandStarted() throws IOException, InterruptedException {
        Path logDir = Files.createDirectories(Paths.get("target", "test-logs")).toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dglfs.root=" + ProjectFiles.root(), LocalMain.class.getName(), "start", "--port", "0",
                "--log-dir", logDir.toString()).redirectErrorStream(true);
        builder.environment().remove("AWS_ENDPOINT_URL");
        // A region other than us-east-1: what local mode creates must be there, where the functions look.
        builder.environment().put("AWS_REGION", "eu-west-1");
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        List<ProcessHandle> started;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            String endpoint = null;
            while ((line = lines.readLine()) != null && !line.contains("Ctrl-C stops everything")) {
                output.append(line).append('\n');
                if (line.contains(" aws --endpoint-url ")) {
                    endpoint = line.split(" aws --endpoint-url ")[1].split(" ")[0];
                }
            }
            assertThat(line).as(output.toString()).isNotNull();
            assertThat(output).contains("--region eu-west-1 ecs list-tasks --cluster glfs-dev");
            try (EcsClient ecs = EcsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.EU_WEST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing",
                            "testing"))).build()) {
                assertThat(ecs.listClusters().clusterArns()).as("clusters in eu-west-1")
                        .contains("arn:aws:ecs:eu-west-1:123456789012:cluster/glfs-dev");
            }
            started = process.descendants().toList();
            assertThat(started).as("moto_server is running").isNotEmpty();

            // SIGTERM by kill(1): Process.destroy() would also close the pipe the summary comes through.
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor()).isZero();
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
            }
        } catch (AssertionError | RuntimeException e) {
            // A failed check must not leave the command (and its moto_server) running: stop it as Ctrl-C would.
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            throw e;
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("stopping (functions, event sources, GitLab double, moto_server)")
                .contains("summary:");
        assertThat(started).noneMatch(ProcessHandle::isAlive);
    }
}
