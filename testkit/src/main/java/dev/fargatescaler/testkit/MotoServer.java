package dev.fargatescaler.testkit;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Starts {@code moto_server} (the AWS emulator preinstalled on the project's machines) on a free loopback port
 * and stops it again. Fails loudly when it is missing: a test that needs AWS must never be skipped silently.
 *
 * <pre>try (MotoServer moto = MotoServer.start()) { ... moto.endpoint() ... }</pre>
 */
public final class MotoServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The executable: system property {@code moto.server}, else {@code MOTO_SERVER}, else {@code moto_server}. */
    public static String executable() {
        String exe = System.getProperty("moto.server");
        if (exe == null || exe.isBlank()) {
            exe = System.getenv().getOrDefault("MOTO_SERVER", "moto_server");
        }
        return exe;
    }

    public static MotoServer start() {
        int port = freePort();
        Path log;
        try {
            log = Files.createTempFile("moto_server-" + port + "-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a log file for moto_server", e);
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(executable(), "-H", "127.0.0.1", "-p", Integer.toString(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // moto's own AWS credentials do not matter, but it must not pick up a real profile.
        builder.environment().put("AWS_ACCESS_KEY_ID", "testing");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
        builder.environment().remove("AWS_ENDPOINT_URL");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("moto_server is required for this test but could not be started ("
                    + executable() + "): " + e.getMessage() + ". Install it with `pip install 'moto[server]'`.", e);
        }
        MotoServer server = new MotoServer(process, port, log);
        server.awaitReady(Duration.ofSeconds(30));
        return server;
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public Path logFile() {
        return log;
    }

    /** Forgets every resource (moto's reset API), for tests that share one server. */
    public void reset() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint() + "/moto-api/reset").toURL()
                    .openConnection();
            connection.setRequestMethod("POST");
            connection.setConnectTimeout(2000);
            connection.getResponseCode();
            connection.disconnect();
        } catch (IOException e) {
            throw new IllegalStateException("moto_server reset failed", e);
        }
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint() + "/moto-api/").toURL()
                        .openConnection();
                connection.setConnectTimeout(200);
                connection.setReadTimeout(1000);
                if (connection.getResponseCode() > 0) {
                    connection.disconnect();
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("moto_server did not answer within " + timeout + "; see " + log);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

}
