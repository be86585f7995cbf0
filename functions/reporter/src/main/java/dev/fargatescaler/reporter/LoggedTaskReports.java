package dev.fargatescaler.reporter;

import dev.fargatescaler.domain.report.TaskReport;
import dev.fargatescaler.domain.report.TaskReportSink;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.argument.StructuredArguments;

/**
 * Writes each task report as one JSON log line: message {@value TaskReport#MESSAGE}, every field at the top
 * level with its JSON type (numbers stay numbers, so Logs Insights can {@code stats avg(start_latency_ms)}).
 * Powertools' structured arguments put the fields there; MDC keys of the same name are lifted for the one line
 * so that no key appears twice in the JSON object.
 * https://docs.powertools.aws.dev/lambda/java/latest/core/logging/#custom-keys
 */
public final class LoggedTaskReports implements TaskReportSink {

    private static final Logger LOG = LoggerFactory.getLogger("task-report");

    @Override
    public void publish(TaskReport report) {
        Map<String, Object> fields = report.fields();
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        fields.keySet().forEach(MDC::remove);
        try {
            LOG.info(TaskReport.MESSAGE, StructuredArguments.entries(fields));
        } finally {
            if (mdc != null) {
                mdc.forEach((key, value) -> {
                    if (fields.containsKey(key)) {
                        MDC.put(key, value);
                    }
                });
            }
        }
    }
}
