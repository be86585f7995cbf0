package dev.fargatescaler.domain.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything known about one stopped task, written as one structured log line ({@link #MESSAGE}) whose fields
 * ({@link #fields()}) CloudWatch Logs Insights can filter and aggregate. Field names and meanings are stable:
 * docs/lifecycle.md lists them and the queries that rely on them. Absent values are left out rather than
 * written as null, so that {@code stats avg(...)} only sees real numbers.
 *
 * @param relaunch what happened about relaunching the job ({@link RelaunchDecision.Kind#field()})
 */
public record TaskReport(
        String environment,
        Long projectId,
        Long jobId,
        int attempt,
        TaskStateChange task,
        OutcomeClassifier.Classification classification,
        TaskDurations durations,
        CostEstimate cost,
        RelaunchDecision relaunch) {

    public static final String MESSAGE = "task report";

    /** The log line's fields, in a fixed order. */
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        put(f, "environment", environment);
        put(f, "cluster", task.clusterName());
        put(f, "task_id", task.taskId());
        put(f, "project_id", projectId);
        put(f, "job_id", jobId);
        put(f, "attempt", attempt);
        put(f, "size_class", LaunchHints.sizeClass(task));
        // A warm-pool task is idle capacity: it ran no particular job, maybe one that came while it waited.
        put(f, "task_kind", dev.fargatescaler.domain.task.TaskNaming.isPoolTask(task.startedBy()) ? "warm-pool" : "job");
        put(f, "outcome", classification.outcome().metricName());
        put(f, "reason", classification.reason());
        put(f, "ran_job", classification.ranJob());
        put(f, "stop_code", task.stopCode());
        put(f, "stopped_reason", task.stoppedReason());
        put(f, "exit_code", classification.exitCode());
        put(f, "provisioning_ms", millis(durations.provisioning()));
        put(f, "pull_ms", millis(durations.imagePull()));
        put(f, "start_latency_ms", millis(durations.startLatency()));
        put(f, "run_ms", millis(durations.run()));
        put(f, "billed_s", cost.billed().toSeconds());
        put(f, "cpu", cost.cpuUnits());
        put(f, "memory_mb", cost.memoryMiB());
        put(f, "architecture", cost.architecture());
        put(f, "launch", cost.launch());
        put(f, "cost_usd", cost.usd());
        put(f, "platform_version", task.platformVersion());
        put(f, "availability_zone", task.availabilityZone());
        put(f, "task_definition", taskDefinition(task.taskDefinitionArn()));
        put(f, "created_at", text(task.createdAt()));
        put(f, "started_at", text(task.startedAt()));
        put(f, "stopped_at", text(task.stoppedAt()));
        put(f, "relaunch", relaunch.kind().field());
        if (relaunch.nextAttempt() != null) {
            put(f, "relaunch_attempt", relaunch.nextAttempt());
        }
        return Collections.unmodifiableMap(f);
    }

    private static void put(Map<String, Object> fields, String key, Object value) {
        if (value != null) {
            fields.put(key, value);
        }
    }

    private static Long millis(Duration duration) {
        return duration == null ? null : duration.toMillis();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** {@code family:revision} from a task definition ARN. */
    static String taskDefinition(String arn) {
        if (arn == null) {
            return null;
        }
        int slash = arn.lastIndexOf('/');
        return slash < 0 ? arn : arn.substring(slash + 1);
    }
}
