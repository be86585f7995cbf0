package dev.fargatescaler.reporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.report.PriceTable;
import dev.fargatescaler.domain.report.Relauncher;
import dev.fargatescaler.domain.report.TaskEventMemory;
import dev.fargatescaler.domain.report.TaskReporter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The task report as CloudWatch Logs receives it: one JSON object per line, typed fields, no duplicate key. */
class LoggedTaskReportsTest {

    @Test
    void writesOneJsonLineWithTypedTopLevelFields() throws Exception {
        StringWriter out = new StringWriter();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        Appender json = config.getAppender("JsonAppender");
        WriterAppender capture = WriterAppender.newBuilder().setName("capture")
                .setLayout(json.getLayout()).setTarget(out).build();
        capture.start();
        LoggerConfig logger = new LoggerConfig("task-report", Level.INFO, false);
        logger.addAppender(capture, Level.INFO, null);
        config.addLogger("task-report", logger);
        context.updateLoggers();
        try {
            MDC.put("job_id", "stale-value-from-the-invocation");
            TaskReporter reporter = new TaskReporter(
                    new Relauncher(new NoGitLab(), job -> { }, Metrics.NONE, 2, Clock.systemUTC()),
                    new LoggedTaskReports(), Metrics.NONE, new TaskEventMemory(10), PriceTable.DEFAULT,
                new dev.fargatescaler.domain.environment.Environments(java.util.List.of()), "x86_64");
            Path event = Path.of(System.getProperty("project.root"), "events", "reporter-stopped-success.json");

            reporter.handle(Json.MAPPER.readTree(Files.readString(event)));
        } finally {
            config.removeLogger("task-report");
            context.updateLoggers();
            capture.stop();
            MDC.clear();
        }

        String[] lines = out.toString().strip().split("\n");
        assertThat(lines).hasSize(1);
        // Json.MAPPER refuses duplicate keys: this parse fails if a field appeared twice.
        JsonNode line = Json.MAPPER.readTree(lines[0]);
        assertThat(line.get("message").asText()).isEqualTo("task report");
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("environment").asText()).isEqualTo("dev");
        assertThat(line.get("job_id").isIntegralNumber()).isTrue();
        assertThat(line.get("job_id").asLong()).isEqualTo(1977);
        assertThat(line.get("start_latency_ms").isNumber()).isTrue();
        assertThat(line.get("start_latency_ms").asLong()).isEqualTo(23_701);
        assertThat(line.get("cost_usd").isNumber()).isTrue();
        assertThat(line.get("outcome").asText()).isEqualTo("Succeeded");
        assertThat(line.get("task_id").asText()).isEqualTo("c13b4cb40f1f4fe4a2971f76ae5a47ad");
    }

    private static final class NoGitLab implements dev.fargatescaler.domain.gitlab.GitLabApi {
        @Override
        public Optional<dev.fargatescaler.domain.gitlab.GitLabJob> job(long projectId, long jobId) {
            throw new AssertionError("a successful task needs no GitLab call");
        }

        @Override
        public Page pendingJobs(long projectId, String cursor) {
            throw new AssertionError("not used");
        }
    }
}
