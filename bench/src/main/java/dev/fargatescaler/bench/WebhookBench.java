package dev.fargatescaler.bench;

import com.amazonaws.services.lambda.runtime.Context;
import dev.fargatescaler.webhook.WebhookHandler;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Warm cost of one webhook invocation, in-process, network excluded: the shipped {@link WebhookHandler}, wired by
 * its production wiring ({@link BenchSupport#wiring}: the same {@code FunctionWiring} and SDK clients as Lambda's
 * no-arg constructor; event parsing, token check, Job Hook parsing, dedup, MDC, JSON logs, EMF metrics, HTTP
 * answer) with SQS and Secrets Manager behind {@link FakeSdkHttpClient}, so that SendMessage is still marshalled,
 * signed and its MD5 checked. Every invocation is a new delivery (16,384 distinct events, more than the dedup
 * memory's 10,000).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx1g",
        "-Dlog4j2.configurationFile=log4j2-bench.xml"})
public class WebhookBench {

    private static final int EVENTS = 16_384;

    private WebhookHandler handler;
    private byte[][] events;
    private int next;
    private final Context context = new BenchContext("bench-request", "webhook");

    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.silenceStdout();
        handler = WebhookHandler.wiredBy(BenchSupport.wiring(Map.of(
                "JOB_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
                "WEBHOOK_TOKEN_SECRET", "glfs/webhook-token")));
        events = BenchSupport.events(BenchSupport.resource("/events/webhook-pending.json"), EVENTS);
        String answer = invoke();
        if (!answer.contains("\"statusCode\":202")) {
            throw new IllegalStateException("the webhook did not queue the job: " + answer);
        }
    }

    @Benchmark
    public String pendingJob() {
        return invoke();
    }

    private String invoke() {
        byte[] event = events[next];
        next = (next + 1) % EVENTS;
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            handler.handleRequest(new ByteArrayInputStream(event), out, context);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
