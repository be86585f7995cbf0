package dev.fargatescaler.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.launch.JobLauncher;
import dev.fargatescaler.scaler.ScalerHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
 * Warm cost of the scaler, in-process, network excluded: the shipped {@link ScalerHandler}, wired by its
 * production wiring ({@link BenchSupport#wiring}), with ECS, SQS and Secrets Manager behind
 * {@link FakeSdkHttpClient} (ListTasks by startedBy, ListTasks to count the environment's tasks, RunTask: all
 * marshalled, signed and unmarshalled) and GitLab's Jobs API behind {@link FakeGitLabHttpClient} (the real
 * {@code GitLabHttpApi} builds the request and parses the answer: the job pending with the tag {@code dev}). {@code batch} messages per invocation (1, or 10 as the template's
 * BatchSize): divide the score by {@code batch} for the cost per message. Every message is a new job.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx1g",
        "-Dlog4j2.configurationFile=log4j2-bench.xml"})
public class ScalerBench {

    private static final int EVENTS = 4_096;

    @Param({"1", "10"})
    public int batch;

    private ScalerHandler handler;
    private byte[][] events;
    private int next;
    private final BenchContext context = new BenchContext("bench-request", "scaler");

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        BenchSupport.silenceStdout();
        handler = ScalerHandler.wiredBy(BenchSupport.wiring(Map.of(
                "GITLAB_URL", "https://gitlab.example.com",
                "GITLAB_TOKEN_SECRET", "glfs/gitlab-api-token",
                "JOB_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
                "ENVIRONMENTS", """
                        [{"name":"dev","tags":["dev"],"cluster":"glfs-dev","taskDefinition":"glfs-runner-dev",
                          "containerName":"gitlab-runner","subnets":["subnet-0a1b2c3d"],"securityGroups":["sg-0a1b2c3d"],
                          "launchMode":{"type":"FARGATE"},"maxConcurrentTasks":100},
                         {"name":"staging","tags":["staging"],"cluster":"glfs-staging",
                          "taskDefinition":"glfs-runner-staging","containerName":"gitlab-runner",
                          "subnets":["subnet-0a1b2c3d"],"securityGroups":["sg-0a1b2c3d"],
                          "launchMode":{"type":"FARGATE"},"maxConcurrentTasks":100}]""")));

        events = new byte[EVENTS][];
        Instant received = Instant.parse("2026-11-28T10:00:00Z");
        long jobId = 1;
        for (int e = 0; e < EVENTS; e++) {
            ObjectNode event = Json.MAPPER.createObjectNode();
            var records = event.putArray("Records");
            for (int m = 0; m < batch; m++, jobId++) {
                var record = records.addObject();
                record.put("messageId", "m-" + jobId).put("receiptHandle", "rh-" + jobId).put("eventSource", "aws:sqs")
                        .put("body", PendingJobCodec.toJson(new PendingJob(42, "group/app", jobId, "build", "test",
                                "main", 9L, null, 0, "https://gitlab.example.com", null, received, "42:" + jobId,
                                0, PendingJob.SOURCE_WEBHOOK)));
                record.putObject("attributes").put("ApproximateReceiveCount", "1");
            }
            events[e] = Json.MAPPER.writeValueAsBytes(event);
        }
        String answer = invoke();
        if (!answer.equals("{\"batchItemFailures\":[]}")) {
            throw new IllegalStateException("the scaler did not settle every message: " + answer);
        }
    }

    @Benchmark
    public String sqsBatch() {
        return invoke();
    }

    private String invoke() {
        byte[] event = events[next];
        next = (next + 1) % EVENTS;
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try {
            handler.handleRequest(new ByteArrayInputStream(event), out, context);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
