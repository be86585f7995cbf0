package dev.fargatescaler.local.start;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What local mode shows on the terminal and writes to local.log. */
class MonitorTest {

    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();

    private Monitor monitor(Path log) {
        return new Monitor(new PrintStream(shown, true, StandardCharsets.UTF_8), log);
    }

    private String terminal() {
        return shown.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theLogFileNeverKeepsTerminalColourCodes(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("local.log");
        Monitor monitor = monitor(log);

        monitor.info("setup", "\u001B[1;31mred\u001B[0m and \u001B[0mplain");

        assertThat(Files.readString(log)).contains("red and plain").doesNotContain("\u001B");
    }

    @Test
    void aStoppedTasksReportLineShowsItsDurationsAndCost() {
        Monitor monitor = monitor(null);

        monitor.reported("arn:aws:ecs:eu-west-1:123456789012:task/glfs-dev/abc", "STOPPED", true, """
                {"action":"reported","reason":"Succeeded","report":{"outcome":"Succeeded","reason":"ExitCode",
                 "job_id":1977,"attempt":0,"exit_code":0,"start_latency_ms":23701,"run_ms":362104,"billed_s":381,
                 "cost_usd":0.00418,"relaunch":"not-needed"}}""");

        assertThat(terminal()).contains("start_latency_ms=23701 run_ms=362104 billed_s=381 cost_usd=0.004180");
    }

    @Test
    void theScalersDecisionsOtherThanLaunchesAreShownWithTheirReason() {
        Monitor monitor = monitor(null);

        monitor.scalerLogLine("{\"level\":\"WARN\",\"message\":\"decision=unroutable acknowledged: no environment "
                + "serves all of the job's tags [gpu]\",\"job_id\":\"1980\",\"project_id\":\"380\"}");
        monitor.scalerLogLine("{\"level\":\"WARN\",\"message\":\"decision=refused-by-guard acknowledged: project 7\","
                + "\"job_id\":\"1006\",\"project_id\":\"7\"}");
        monitor.scalerLogLine("{\"level\":\"INFO\",\"message\":\"decision=launched acknowledged: task x\"}");
        monitor.scalerLogLine("START RequestId: 1");

        assertThat(terminal()).contains("scaler   job 1980 (project 380): unroutable acknowledged: no environment "
                + "serves all of the job's tags [gpu]", "scaler   job 1006 (project 7): refused-by-guard")
                .doesNotContain("launched", "START");
    }

    @Test
    void theSweeperLineSaysWhatItDid() {
        Monitor monitor = monitor(null);

        monitor.sweeper(true, "{\"reaper\":{\"tasksSeen\":3,\"reaped\":1,\"unknownEnvironments\":[]},\"catchUp\":"
                + "{\"pages\":2,\"pendingSeen\":4,\"queued\":3,\"alreadyRunning\":0,\"skipped\":1,\"stoppedBy\":null}}", 12);

        assertThat(terminal()).contains("sweeper  reaper: 3 task(s) seen, 1 overdue stopped; catch-up: 2 page(s) of "
                + "pending jobs read, 4 pending, 3 queued, 0 already had a task, 1 skipped (12 ms)");
    }

    @Test
    void aFunctionErrorIsShownUnescaped() {
        Monitor monitor = monitor(null);

        monitor.functionError("ScalerFunction", "{\"errorMessage\":\"invalid configuration (1 problem):\\n  - "
                + "ENVIRONMENTS[0]: unknown key \\\"x\\\"\",\"errorType\":\"dev.x.ConfigurationException\"}");

        assertThat(terminal()).contains("dev.x.ConfigurationException: invalid configuration (1 problem):\n  - "
                + "ENVIRONMENTS[0]: unknown key \"x\"");
    }
}
