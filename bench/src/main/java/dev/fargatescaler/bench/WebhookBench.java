package dev.fargatescaler.bench;

import com.amazonaws.services.lambda.runtime.Context;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.webhook.CachingSecretSource;
import dev.fargatescaler.domain.webhook.RecentDeliveries;
import dev.fargatescaler.domain.webhook.WebhookAuthenticator;
import dev.fargatescaler.domain.webhook.WebhookIntake;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import dev.fargatescaler.webhook.WebhookHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Warm cost of one webhook invocation, in-process, network excluded: the real {@link WebhookHandler} (event
 * parsing, token check, Job Hook parsing, dedup, MDC, JSON logs, EMF metrics, HTTP answer) with SQS behind
 * {@link FakeSdkHttpClient}, so that SendMessage is still marshalled, signed and its MD5 checked.
 * {@code queue=noop} replaces the SQS adapter with a no-op port, to show what the SDK call costs.
 * Every invocation is a new delivery (16,384 distinct events, more than the dedup memory's 10,000).
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

    @Param({"sqs", "noop"})
    public String queue;

    private WebhookHandler handler;
    private byte[][] events;
    private int next;
    private SqsClient sqs;
    private final Context context = new BenchContext("bench-request", "webhook");

    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.silenceStdout();
        Clock clock = Clock.systemUTC();
        CachingSecretSource secrets = new CachingSecretSource(reference -> CannedAws.SECRET, Duration.ofMinutes(5),
                clock);
        WebhookAuthenticator authenticator = new WebhookAuthenticator(() -> secrets.secret("glfs/webhook-token"),
                null, clock);
        sqs = BenchSupport.client(SqsClient.builder(), RetryMode.STANDARD, Duration.ofSeconds(4));
        Metrics metrics = new EmfMetrics("GitLabFargateScaler");
        var jobQueue = "sqs".equals(queue)
                ? new SqsJobQueue(sqs, "https://sqs.us-east-1.amazonaws.com/123456789012/jobs")
                : (dev.fargatescaler.domain.webhook.JobQueue) job -> { };
        WebhookIntake intake = new WebhookIntake(authenticator, jobQueue, metrics,
                new RecentDeliveries(10_000, WebhookAuthenticator.TIMESTAMP_TOLERANCE, clock));
        handler = new WebhookHandler(intake, metrics, clock);
        events = BenchSupport.events(BenchSupport.resource("/events/webhook-pending.json"), EVENTS);
        String answer = invoke();
        if (!answer.contains("\"statusCode\":202")) {
            throw new IllegalStateException("the webhook did not queue the job: " + answer);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sqs.close();
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
