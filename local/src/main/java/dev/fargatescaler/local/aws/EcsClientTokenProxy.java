package dev.fargatescaler.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fargatescaler.domain.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What moto_server lacks for exactly-once under concurrency: ECS RunTask {@code clientToken} idempotency. moto
 * 5.2.1 starts a new task for every RunTask, token or not ({@code EC2ContainerServiceBackend.run_task} in
 * moto/ecs/models.py takes no client token), so two scaler workers that both pass the ListTasks check would
 * start two tasks for one job, where real ECS starts one. This proxy sits between local mode and the emulator,
 * passes every request through unchanged, and answers RunTask with a token the way ECS does
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html and
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html, {@code clientToken} and Errors):
 * <ul>
 *   <li>a token is scoped to its cluster;</li>
 *   <li>the same token with the same parameters returns the result of the original request (its task, as
 *       first returned), without starting another;</li>
 *   <li>the same token with other parameters fails with {@code ConflictException} (HTTP 400), whose
 *       {@code resourceIds} are the original tasks;</li>
 *   <li>ECS forgets a token after 24 hours at most. It also forgets it an hour after its task stopped; that
 *       second rule is not modelled (a local session rarely lasts that long), which only matters for a job
 *       queued again more than an hour after its task ended: the scaler then sees the stopped task and moves
 *       to the next attempt's token, as it does against ECS within the hour.</li>
 * </ul>
 * Requests with the same token are answered one at a time, so concurrent launches of one job converge on one
 * task, as in ECS. The behaviour is the same as {@code FakeEcs}'s (testkit), which the unit tests use.
 */
public final class EcsClientTokenProxy implements AutoCloseable {

    private static final String RUN_TASK_TARGET = "AmazonEC2ContainerServiceV20141113.RunTask";
    private static final String STOP_TASK_TARGET = "AmazonEC2ContainerServiceV20141113.StopTask";
    private static final String DESCRIBE_TASKS_TARGET = "AmazonEC2ContainerServiceV20141113.DescribeTasks";
    static final Duration TOKEN_TTL = Duration.ofHours(24);
    /** Headers the JDK client sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "date", "from", "via", "warning");

    private record TokenUse(JsonNode parameters, byte[] response, List<String> taskArns, Instant usedAt) {
    }

    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, TokenUse> tokens = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final EcsTraffic traffic;

    private EcsClientTokenProxy(URI upstream, Clock clock, EcsTraffic traffic) throws IOException {
        this.upstream = upstream;
        this.clock = clock;
        this.traffic = traffic;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ecs-client-token-proxy");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A proxy in front of the emulator at {@code upstream}, on a free local port. */
    public static EcsClientTokenProxy start(String upstream) throws IOException {
        return start(upstream, Clock.systemUTC(), EcsTraffic.NONE);
    }

    /** A proxy that also shows ECS's task traffic to {@code traffic} (the local Fargate simulation). */
    public static EcsClientTokenProxy start(String upstream, EcsTraffic traffic) throws IOException {
        return start(upstream, Clock.systemUTC(), traffic);
    }

    static EcsClientTokenProxy start(String upstream, Clock clock) throws IOException {
        return start(upstream, clock, EcsTraffic.NONE);
    }

    static EcsClientTokenProxy start(String upstream, Clock clock, EcsTraffic traffic) throws IOException {
        return new EcsClientTokenProxy(URI.create(upstream), clock, traffic);
    }

    /** Where clients should point {@code AWS_ENDPOINT_URL}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            Answer answer = RUN_TASK_TARGET.equals(target) ? runTask(exchange, body)
                    : STOP_TASK_TARGET.equals(target) ? stopTask(exchange, body)
                    : DESCRIBE_TASKS_TARGET.equals(target) ? described(forward(exchange, body))
                    : forward(exchange, body);
            answer.headers().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            if (answer.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    }

    private Answer stopTask(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        try {
            traffic.stopping(Json.MAPPER.readTree(body));
        } catch (IOException e) {
            // malformed: the emulator answers it as it does
        }
        return described(forward(exchange, body));
    }

    private Answer ran(Answer answer) {
        return answer.status() == 200 ? new Answer(200, answer.headers(), traffic.ranTasks(answer.body())) : answer;
    }

    private Answer described(Answer answer) {
        return answer.status() == 200 ? new Answer(200, answer.headers(), traffic.described(answer.body())) : answer;
    }

    private Answer runTask(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return forward(exchange, body); // let the emulator answer a malformed request as it does
        }
        String token = request.path("clientToken").asText(null);
        if (token == null || token.isEmpty()) {
            return ran(forward(exchange, body));
        }
        String key = clusterName(request.path("cluster").asText("default")) + "|" + token;
        ObjectNode parameters = ((ObjectNode) request).deepCopy();
        parameters.remove("clientToken");
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            TokenUse use = tokens.get(key);
            if (use != null && clock.instant().isAfter(use.usedAt().plus(TOKEN_TTL))) {
                tokens.remove(key);
                use = null;
            }
            if (use != null) {
                if (!use.parameters().equals(parameters)) {
                    return conflict(use);
                }
                return new Answer(200, Map.of("Content-Type", List.of("application/x-amz-json-1.1")),
                        use.response());
            }
            Answer answer = ran(forward(exchange, body));
            if (answer.status() == 200) {
                List<String> arns = taskArns(answer.body());
                if (!arns.isEmpty()) {
                    tokens.put(key, new TokenUse(parameters, answer.body(), arns, clock.instant()));
                }
            }
            return answer;
        }
    }

    /** A cluster given by name or by ARN is the same cluster. */
    private static String clusterName(String cluster) {
        int slash = cluster.lastIndexOf('/');
        return slash >= 0 ? cluster.substring(slash + 1) : cluster;
    }

    private static List<String> taskArns(byte[] response) {
        try {
            List<String> arns = new java.util.ArrayList<>();
            Json.MAPPER.readTree(response).path("tasks").forEach(t -> arns.add(t.path("taskArn").asText()));
            return arns;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Answer conflict(TokenUse use) throws IOException {
        ObjectNode conflict = Json.MAPPER.createObjectNode().put("__type", "ConflictException")
                .put("message", "The RunTask request could not be processed due to conflicts. The provided "
                        + "clientToken is already in use with a different RunTask request.");
        ArrayNode ids = conflict.putArray("resourceIds");
        use.taskArns().forEach(ids::add);
        return new Answer(400, Map.of("Content-Type", List.of("application/x-amz-json-1.1")),
                Json.MAPPER.writeValueAsBytes(conflict));
    }

    private Answer forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        URI requested = exchange.getRequestURI();
        URI uri = upstream.resolve(requested.getRawPath() + (requested.getRawQuery() == null ? ""
                : "?" + requested.getRawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.headers().map(), response.body());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
