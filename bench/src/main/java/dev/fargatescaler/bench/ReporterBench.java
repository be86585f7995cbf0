package dev.fargatescaler.bench;

import dev.fargatescaler.domain.report.TaskReporter;
import dev.fargatescaler.reporter.ReporterHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Warm cost of the reporter per ECS Task State Change event, in-process, network excluded: the shipped
 * {@link ReporterHandler}, wired by its production wiring ({@link BenchSupport#wiring}), and its
 * {@link TaskReporter} (parsing, dedup memory, outcome, durations, cost, the task report log line, EMF metrics).
 * {@code event=stopped-success} is the usual end of a job (report and cost); {@code stopped-cannot-pull} also asks
 * GitLab ({@link FakeGitLabHttpClient}: still pending) and queues a relaunch (SQS behind
 * {@link FakeSdkHttpClient}). Every event is about a new task (its id varies), so none is a duplicate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx1g",
        "-Dlog4j2.configurationFile=log4j2-bench.xml"})
public class ReporterBench {

    private static final int EVENTS = 16_384;

    @Param({"stopped-success", "stopped-cannot-pull"})
    public String event;

    private ReporterHandler handler;
    private byte[][] events;
    private int next;
    private final BenchContext context = new BenchContext("bench-request", "reporter");

    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.silenceStdout();
        handler = ReporterHandler.wiredBy(BenchSupport.wiring(Map.of(
                "GITLAB_URL", "https://gitlab.example.com",
                "GITLAB_TOKEN_SECRET", "glfs/gitlab-api-token",
                "JOB_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
                "DEDUP_MEMORY_SIZE", "1000")));

        String template = BenchSupport.resource("/events/reporter-" + event + ".json");
        var taskId = java.util.regex.Pattern.compile("task/[^/\"]+/([0-9a-f]{32})").matcher(template);
        if (!taskId.find()) {
            throw new IllegalStateException("no task id in the event " + event);
        }
        String id = taskId.group(1);
        String[] templates = new String[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            templates[i] = template.replace(id, String.format("%032x", i + 1));
        }
        events = new byte[EVENTS][];
        for (int i = 0; i < EVENTS; i++) {
            events[i] = templates[i].getBytes(StandardCharsets.UTF_8);
        }
        String answer = invoke();
        if (answer.contains("\"ignored\"")) {
            throw new IllegalStateException("the reporter ignored the event: " + answer);
        }
    }

    @Benchmark
    public String taskEvent() {
        return invoke();
    }

    private String invoke() {
        byte[] bytes = events[next];
        next = (next + 1) % EVENTS;
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            handler.handleRequest(new ByteArrayInputStream(bytes), out, context);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
