package dev.fargatescaler.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * ECS's Fargate task-launch limit in front of another ECS (an {@link SdkHttpClient} decorator): a token bucket
 * of 100 launches refilled at 20 per second, per account and Region
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/throttling.html). A RunTask that finds the bucket
 * empty gets what ECS answers, HTTP 400 {@code ThrottlingException}, through the real SDK (so its retry mode
 * and error unmarshalling run). Records when each launch was let through.
 */
public final class FargateLaunchLimit implements SdkHttpClient {

    private final SdkHttpClient ecs;
    private final double capacity;
    private final double refillPerSecond;
    private double tokens;
    private long refilledAt = System.nanoTime();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger passed = new AtomicInteger();
    /** startedBy of each RunTask let through, and when (System.nanoTime). */
    private final Map<String, Long> launchedAt = new ConcurrentHashMap<>();

    public FargateLaunchLimit(SdkHttpClient ecs, int capacity, double refillPerSecond) {
        this.ecs = ecs;
        this.capacity = capacity;
        this.refillPerSecond = refillPerSecond;
        this.tokens = capacity;
    }

    private synchronized boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - refilledAt) / 1e9 * refillPerSecond);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    public int throttled() {
        return throttled.get();
    }

    public int passed() {
        return passed.get();
    }

    public Map<String, Long> launchedAt() {
        return launchedAt;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
        if (!target.endsWith(".RunTask")) {
            return ecs.prepareRequest(request);
        }
        byte[] body = request.contentStreamProvider().map(p -> {
            try (InputStream in = p.newStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).orElse(new byte[0]);
        HttpExecuteRequest replay = HttpExecuteRequest.builder().request(request.httpRequest())
                .contentStreamProvider(ContentStreamProvider.fromByteArray(body)).build();
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                if (!take()) {
                    throttled.incrementAndGet();
                    byte[] error = "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"
                            .getBytes(StandardCharsets.UTF_8);
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(400)
                                    .putHeader("Content-Type", "application/x-amz-json-1.1")
                                    .putHeader("x-amzn-ErrorType", "ThrottlingException")
                                    .putHeader("x-amzn-RequestId", "throttled").build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(error)))
                            .build();
                }
                passed.incrementAndGet();
                HttpExecuteResponse response = ecs.prepareRequest(replay).call();
                String text = new String(body, StandardCharsets.UTF_8);
                int i = text.indexOf("\"startedBy\":\"");
                if (i >= 0) {
                    int from = i + 13;
                    launchedAt.putIfAbsent(text.substring(from, text.indexOf('"', from)), System.nanoTime());
                }
                return response;
            }

            @Override
            public void abort() {
            }
        };
    }

    @Override
    public void close() {
        ecs.close();
    }
}
