package dev.fargatescaler.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An SDK HTTP client that answers chosen requests itself and passes every other one to a real client: fault
 * injection for what {@code moto_server} cannot do (throttling, {@code failures[]}, 5xx). Rules match on the
 * JSON-protocol operation ({@code X-Amz-Target}, e.g. {@code RunTask}) and optionally on the request body; the
 * SDK still signs, sends, parses and retries as in production.
 *
 * <pre>var faults = new FaultInjectingHttpClient(UrlConnectionHttpClient.create());
 * faults.answer("RunTask", body -> true, 3, 400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
 * EcsClient ecs = EcsClient.builder().httpClient(faults)...</pre>
 */
public final class FaultInjectingHttpClient implements SdkHttpClient {

    private record Rule(String operation, Predicate<String> body, AtomicInteger remaining, int status,
                        String responseBody, java.time.Duration delay) {
    }

    private final SdkHttpClient delegate;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    public FaultInjectingHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    /**
     * Answers the next {@code times} requests of {@code operation} whose body matches with {@code status} and
     * {@code responseBody} (content type {@code application/x-amz-json-1.1}).
     */
    public FaultInjectingHttpClient answer(String operation, Predicate<String> body, int times, int status,
                                           String responseBody) {
        rules.add(new Rule(operation, body, new AtomicInteger(times), status, responseBody, null));
        return this;
    }

    /**
     * Holds the next {@code times} requests of {@code operation} for {@code delay} before passing them on, as a
     * slow or hung endpoint would; an SDK attempt timeout aborts the wait (the request then fails as an aborted
     * connection does), so the SDK's own timeout and retry run.
     */
    public FaultInjectingHttpClient hang(String operation, int times, java.time.Duration delay) {
        rules.add(new Rule(operation, body -> true, new AtomicInteger(times), 0, null, delay));
        return this;
    }

    /** ECS's or SQS's server error, as the services send it (HTTP 500). */
    public static String internalError() {
        return "{\"__type\":\"InternalError\",\"message\":\"We encountered an internal error. Please try again.\"}";
    }

    /** ECS's throttling error, as the service sends it. */
    public static String throttling() {
        return "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}";
    }

    public void clear() {
        rules.clear();
        calls.clear();
        bodies.clear();
    }

    /** How many requests of this operation were made (answered or passed on), retries included. */
    public int calls(String operation) {
        AtomicInteger count = calls.get(operation);
        return count == null ? 0 : count.get();
    }

    /** Every request body seen, in order. */
    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
        String operation = target.contains(".") ? target.substring(target.lastIndexOf('.') + 1) : target;
        byte[] body = read(request);
        String text = new String(body, StandardCharsets.UTF_8);
        calls.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
        bodies.add(text);
        HttpExecuteRequest replay = HttpExecuteRequest.builder()
                .request(request.httpRequest())
                .contentStreamProvider(body.length == 0 && request.contentStreamProvider().isEmpty() ? null
                        : () -> new ByteArrayInputStream(body))
                .build();
        for (Rule rule : rules) {
            if (rule.operation().equals(operation) && rule.body().test(text)
                    && rule.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                return rule.delay() != null ? delayed(rule.delay(), replay) : canned(rule.status(), rule.responseBody());
            }
        }
        return delegate.prepareRequest(replay);
    }

    private static byte[] read(HttpExecuteRequest request) {
        return dev.fargatescaler.testkit.fake.AwsJsonWire.body(request);
    }

    private ExecutableHttpRequest delayed(java.time.Duration delay, HttpExecuteRequest replay) {
        Thread[] caller = new Thread[1];
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                caller[0] = Thread.currentThread();
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("request aborted while the endpoint hung", e);
                }
                return delegate.prepareRequest(replay).call();
            }

            @Override
            public void abort() {
                if (caller[0] != null) {
                    caller[0].interrupt();
                }
            }
        };
    }

    private static ExecutableHttpRequest canned(int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder()
                                .statusCode(status)
                                .putHeader("Content-Type", "application/x-amz-json-1.1")
                                .putHeader("Content-Length", Integer.toString(bytes.length))
                                .putHeader("x-amzn-RequestId", "fault-injected")
                                .build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                        .build();
            }

            @Override
            public void abort() {
            }
        };
    }

    @Override
    public String clientName() {
        return "FaultInjecting(" + delegate.clientName() + ")";
    }

    @Override
    public void close() {
        delegate.close();
    }
}
