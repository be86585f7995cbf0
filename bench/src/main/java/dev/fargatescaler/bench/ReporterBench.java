package dev.fargatescaler.bench;

import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.report.PriceTable;
import dev.fargatescaler.domain.report.Relauncher;
import dev.fargatescaler.domain.report.TaskEventMemory;
import dev.fargatescaler.domain.report.TaskReporter;
import dev.fargatescaler.reporter.LoggedTaskReports;
import dev.fargatescaler.reporter.ReporterHandler;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Warm cost of the reporter per ECS Task State Change event, in-process, network excluded: the real
 * {@link ReporterHandler} and {@link TaskReporter} (parsing, dedup memory, outcome, durations, cost, the task
 * report log line, EMF metrics). {@code event=stopped-success} is the usual end of a job (report and cost);
 * {@code stopped-cannot-pull} also asks GitLab (in-process port: still pending) and queues a relaunch (SQS
 * behind {@link FakeSdkHttpClient}). Every event is about a new task (its id varies), so none is a duplicate.
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
        GitLabApi gitLab = new GitLabApi() {
            @Override
            public Optional<GitLabJob> job(long projectId, long jobId) {
                return Optional.of(new GitLabJob(jobId, projectId, "pending", List.of("dev"), "main", "build", 9L));
            }

            @Override
            public Page pendingJobs(long projectId, String cursor) {
                return new Page(List.of(), null);
            }
        };
        SqsClient sqs = BenchSupport.client(SqsClient.builder(), RetryMode.STANDARD, Duration.ofSeconds(4));
        Metrics metrics = new EmfMetrics("GitLabFargateScaler");
        Relauncher relauncher = new Relauncher(gitLab,
                new SqsJobQueue(sqs, "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"), metrics, 2,
                Clock.systemUTC());
        TaskReporter reporter = new TaskReporter(relauncher, new LoggedTaskReports(), metrics,
                new TaskEventMemory(1_000), PriceTable.DEFAULT, new Environments(List.of()), "x86_64");
        handler = new ReporterHandler(reporter, metrics);

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
