package dev.fargatescaler.domain.report;

/**
 * Port: where task reports go. The Lambda adapter writes each as one structured JSON log line (message
 * {@value TaskReport#MESSAGE}) for CloudWatch Logs Insights; tests and local mode keep them in memory.
 */
public interface TaskReportSink {

    void publish(TaskReport report);
}
