package dev.fargatescaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mistakes a user makes get a clear message at once, exit 2, and nothing started: moto_server is made
 * unstartable here, so a command that got as far as starting it would fail differently (exit 1).
 */
class CommandErrorsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private String previousRoot;
    private String previousMoto;

    @BeforeEach
    void noEmulator() {
        previousRoot = System.getProperty("glfs.root");
        previousMoto = System.getProperty("moto.server");
        System.setProperty("glfs.root", ProjectFiles.root().toString());
        System.setProperty("moto.server", "/nonexistent/moto_server");
    }

    @AfterEach
    void restore() {
        restore("glfs.root", previousRoot);
        restore("moto.server", previousMoto);
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }

    private int run(String... args) {
        return LocalMain.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownFunctionIsRefusedBeforeTheEmulatorStarts() {
        int code = run("invoke", "WebhookFunktion", "-e", ProjectFiles.event("webhook-pending.json").toString());

        assertThat(code).as(errors()).isEqualTo(2);
        assertThat(errors()).contains("template.yaml has no function WebhookFunktion; its functions: WebhookFunction, "
                + "ScalerFunction, ReporterFunction, SweeperFunction").doesNotContain("moto_server", "Exception");
    }

    @Test
    void aMissingEventFileSaysWhichPathAndWhatWasExpected() {
        int code = run("invoke", "WebhookFunction", "-e", "events/webhook-pendign.json");

        assertThat(code).isEqualTo(2);
        assertThat(errors()).contains("event file events/webhook-pendign.json does not exist", "working directory",
                "expected the event as the function receives it, e.g. events/webhook-pending.json")
                .doesNotContain("NoSuchFileException");
    }

    @Test
    void anEnvVarsFileThatIsNotJsonNamesTheFileAndWhereItBreaks(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("env.json"), "{\n  \"WebhookFunction\": {\"A\": \"b\",}\n}\n");

        int code = run("invoke", "WebhookFunction", "-e", ProjectFiles.event("webhook-pending.json").toString(),
                "--env-vars", file.toString());

        assertThat(code).isEqualTo(2);
        assertThat(errors()).contains("--env-vars file " + file + " is not JSON", "(line 2, column");
    }

    @Test
    void aFlatEnvVarsFileIsLoadedWithAWarningThatSamNestsPerFunction(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("env.json"), "{\"GITLAB_URL\": \"https://gitlab.example.com\"}");
        List<String> warnings = new ArrayList<>();

        EnvVarsFile vars = EnvVarsFile.load(file, warnings::add);

        assertThat(vars.forFunction("ScalerFunction")).isEmpty();
        assertThat(warnings).singleElement().asString().contains("GITLAB_URL", "SAM's format ignores",
                "{\"ScalerFunction\": {\"GITLAB_URL\": \"...\"}}", "\"Parameters\"");
    }

    @Test
    void aPortInUseIsNamedWithTheWayOutBeforeAnySetup() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = run("start", "--port", Integer.toString(taken.getLocalPort()), "--log-dir",
                    Files.createTempDirectory("logs").toString());

            assertThat(code).as(errors()).isEqualTo(2);
            assertThat(errors()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is in use", "--port N")
                    .doesNotContain("moto_server");
        }
    }

    @Test
    void environmentProblemsAreAllReportedReadablyBeforeAnythingStarts(@TempDir Path root) throws IOException {
        Files.copy(ProjectFiles.root().resolve("template.yaml"), root.resolve("template.yaml"));
        Files.copy(ProjectFiles.root().resolve("environment.yaml"), root.resolve("environment.yaml"));
        Files.createDirectories(root.resolve("local"));
        Files.copy(ProjectFiles.root().resolve("local/stack.json"), root.resolve("local/stack.json"));
        Files.copy(ProjectFiles.root().resolve("local/gitlab-jobs.json"), root.resolve("local/gitlab-jobs.json"));
        Files.writeString(root.resolve("local/environments.json"), """
                {"environments": [
                  {"name": "dev", "tags": ["dev"], "maxConcurentTasks": 5},
                  {"name": "Prod_1", "tags": ["production"], "cluster": "mine"},
                  {"name": "ok", "tags": ["x"], "cost": {"cpu": 333}}
                ]}""");
        System.setProperty("glfs.root", root.toString());

        int code = run("demo", "--log-dir", root.resolve("logs").toString());

        assertThat(code).as(errors()).isEqualTo(2);
        assertThat(errors()).contains("the configuration has", "nothing was started",
                "(local/environments.json environments[0]): unknown key \"maxConcurentTasks\"",
                "local/environments.json environments[1]: cluster is set by environment.yaml",
                "(local/environments.json environments[1]): name \"Prod_1\" must match")
                // readable: one problem a line, no escaped JSON
                .doesNotContain("\\\"", "\\n");
    }

    @Test
    void environmentYamlsOwnRulesAreCheckedToo(@TempDir Path root) throws IOException {
        Files.copy(ProjectFiles.root().resolve("template.yaml"), root.resolve("template.yaml"));
        Files.copy(ProjectFiles.root().resolve("environment.yaml"), root.resolve("environment.yaml"));
        Files.createDirectories(root.resolve("local"));
        Files.copy(ProjectFiles.root().resolve("local/stack.json"), root.resolve("local/stack.json"));
        Files.copy(ProjectFiles.root().resolve("local/gitlab-jobs.json"), root.resolve("local/gitlab-jobs.json"));
        Files.writeString(root.resolve("local/environments.json"), """
                {"environments": [{"name": "dev", "tags": ["dev"], "cost": {"cpu": 333}}]}""");
        System.setProperty("glfs.root", root.toString());

        int code = run("invoke", "WebhookFunction", "-e", ProjectFiles.event("webhook-pending.json").toString());

        assertThat(code).as(errors()).isEqualTo(2);
        assertThat(errors()).contains("local/environments.json environments[0] (dev): environment.yaml parameter Cpu "
                + "must be one of [256, 512, 1024");
    }
}
