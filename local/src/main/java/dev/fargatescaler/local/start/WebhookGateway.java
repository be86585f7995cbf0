package dev.fargatescaler.local.start;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.local.runtime.FunctionPool;
import dev.fargatescaler.local.runtime.FunctionWorker;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * API Gateway (HTTP API, payload format 2.0) on this machine: each request on a route of the template becomes
 * the event the function gets in AWS, and the function's answer becomes the HTTP response. Other paths get
 * 404 and a function error 500, with API Gateway's bodies; every request is shown on the terminal.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
final class WebhookGateway implements AutoCloseable {

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** API Gateway's own limit on a request body. */
    private static final int MAX_BODY = 10 * 1024 * 1024;

    private final HttpServer server;
    private final List<EventSources.Route> routes;
    private final Map<String, FunctionPool> workers;
    private final Monitor monitor;

    WebhookGateway(int port, List<EventSources.Route> routes, Map<String, FunctionPool> workers, Monitor monitor)
            throws IOException {
        this.routes = routes;
        this.workers = workers;
        this.monitor = monitor;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.createContext("/", this::handle);
        // Enough threads to accept a burst: how many run at once is each function's concurrency (FunctionPool).
        server.setExecutor(Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "webhook-gateway");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            EventSources.Route route = routes.stream()
                    .filter(r -> r.path().equals(path) && (r.method().equals(method) || "ANY".equals(r.method())))
                    .findFirst().orElse(null);
            if (route == null) {
                monitor.request(method, path, 404, "no route (the template's routes: " + String.join(", ",
                        routes.stream().map(r -> r.method() + " " + r.path()).toList()) + ")");
                send(exchange, 404, "{\"message\":\"Not Found\"}");
                return;
            }
            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                monitor.request(method, path, 413, "body over API Gateway's 10 MB limit");
                send(exchange, 413, "{\"message\":\"Request Entity Too Large\"}");
                return;
            }
            ObjectNode event = event(exchange, route, body);
            FunctionWorker.Result result = workers.get(route.function()).invoke(Json.MAPPER.writeValueAsBytes(event));
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            if (!result.ok()) {
                monitor.functionError(route.function(), result.payloadText());
                monitor.webhook(key, 500, "function error");
                send(exchange, 500, "{\"message\":\"Internal Server Error\"}");
                return;
            }
            JsonNode response = Json.MAPPER.readTree(result.payload());
            int status = response.path("statusCode").asInt(200);
            String responseBody = response.path("body").asText("");
            byte[] bytes = response.path("isBase64Encoded").asBoolean(false)
                    ? Base64.getDecoder().decode(responseBody) : responseBody.getBytes(StandardCharsets.UTF_8);
            response.path("headers").fields().forEachRemaining(h ->
                    exchange.getResponseHeaders().set(h.getKey(), h.getValue().asText()));
            monitor.webhook(key, status, summary(responseBody));
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (RuntimeException | IOException e) {
            monitor.functionError("gateway", e.toString());
            try {
                send(exchange, 502, "{\"message\":\"Bad Gateway\"}");
            } catch (IOException ignored) {
                // the client is gone
            }
        }
    }

    private static String summary(String body) {
        try {
            JsonNode answer = Json.MAPPER.readTree(body);
            return answer.path("status").asText("") + ": " + answer.path("message").asText("");
        } catch (IOException e) {
            return body.length() > 80 ? body.substring(0, 80) : body;
        }
    }

    private ObjectNode event(HttpExchange exchange, EventSources.Route route, byte[] body) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", route.method() + " " + route.path());
        event.put("rawPath", exchange.getRequestURI().getRawPath());
        String query = exchange.getRequestURI().getRawQuery();
        event.put("rawQueryString", query == null ? "" : query);
        ObjectNode headers = event.putObject("headers");
        // HTTP API lower-cases header names and joins repeated headers with commas.
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        Instant now = Instant.now();
        String requestId = UUID.randomUUID().toString();
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "123456789012");
        context.put("apiId", "local");
        context.put("domainName", "127.0.0.1:" + port());
        context.put("domainPrefix", "127");
        ObjectNode http = context.putObject("http");
        http.put("method", exchange.getRequestMethod());
        http.put("path", exchange.getRequestURI().getRawPath());
        http.put("protocol", exchange.getProtocol());
        http.put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        http.put("userAgent", exchange.getRequestHeaders().getFirst("User-Agent"));
        context.put("requestId", requestId);
        context.put("routeKey", route.method() + " " + route.path());
        context.put("stage", "$default");
        context.put("time", REQUEST_TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());
        String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).toLowerCase(Locale.ROOT);
        boolean text = contentType.contains("json") || contentType.startsWith("text/") || contentType.contains("xml")
                || contentType.contains("x-www-form-urlencoded");
        if (body.length > 0) {
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
        }
        event.put("isBase64Encoded", body.length > 0 && !text);
        return event;
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
