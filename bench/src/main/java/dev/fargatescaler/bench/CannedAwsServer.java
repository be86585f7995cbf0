package dev.fargatescaler.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * {@link CannedAws} over loopback HTTP, for whole-process measurements where the function's own SDK clients (built
 * by its no-arg constructor) must be pointed somewhere with {@code AWS_ENDPOINT_URL}: it answers in well under a
 * millisecond, so a cold start measures the function, not an emulator. Prints its port on stdout.
 * Usage: {@code java -cp bench-classpath dev.fargatescaler.bench.CannedAwsServer [port]}
 */
public final class CannedAwsServer {

    private CannedAwsServer() {
    }

    public static HttpServer start(int port) throws IOException {
        // Without TCP_NODELAY, Nagle's algorithm and the client's delayed ACK add ~40 ms to every exchange.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            byte[] answer = CannedAws.respond(exchange.getRequestHeaders().getFirst("X-Amz-Target"), body);
            int status = 200;
            if (answer == null) {
                status = 400;
                answer = "{\"__type\":\"UnknownOperationException\"}".getBytes();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.getResponseHeaders().add("x-amzn-RequestId", "bench");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        // GitLab's Jobs API as the scaler and reporter see it: every job is pending with tag "dev"; no pending list.
        server.createContext("/api/v4/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            java.util.regex.Matcher job = java.util.regex.Pattern.compile("/api/v4/projects/(\\d+)/jobs/(\\d+)")
                    .matcher(path);
            String body = job.matches()
                    ? "{\"id\":" + job.group(2) + ",\"name\":\"unit-tests\",\"stage\":\"test\",\"status\":\"pending\","
                    + "\"ref\":\"main\",\"tag\":false,\"tag_list\":[\"dev\"],\"pipeline\":{\"id\":5042},"
                    + "\"web_url\":\"https://gitlab.example.com/platform/api/-/jobs/" + job.group(2) + "\"}"
                    : "[]";
            byte[] answer = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return server;
    }

    public static void main(String[] args) throws IOException {
        HttpServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        System.out.println(server.getAddress().getPort());
        System.out.flush();
    }
}
