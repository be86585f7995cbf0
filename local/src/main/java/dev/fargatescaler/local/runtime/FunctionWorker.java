package dev.fargatescaler.local.runtime;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One function's execution environment on this machine: a separate JVM (so each function sees only its own
 * environment variables, as in Lambda), started on first use and kept warm, invoked one event at a time (a
 * {@link FunctionPool} runs several for concurrency), and
 * killed when an invocation outlives the function's timeout (Lambda's "Task timed out"), to be started afresh
 * on the next invocation.
 */
public final class FunctionWorker implements AutoCloseable {

    /**
     * What to run.
     *
     * @param name      the function's name (for messages)
     * @param handler   the template's {@code Handler}
     * @param env       the complete environment of the worker process (nothing is inherited)
     * @param classpath the function's code first, then the local runtime
     * @param timeout   the function's {@code Timeout}
     * @param log       where the function's logs go; null for this process's stderr
     * @param logLines  also sees every log line (local mode's terminal shows the scaler's decisions); may be null
     */
    public record Spec(String name, String handler, Map<String, String> env, List<Path> classpath, Duration timeout,
                       Path log, Consumer<String> logLines) {
        public Spec {
            env = Map.copyOf(env);
            classpath = List.copyOf(classpath);
        }

        public Spec(String name, String handler, Map<String, String> env, List<Path> classpath, Duration timeout,
                    Path log) {
            this(name, handler, env, classpath, timeout, log, null);
        }

        public Spec withLogLines(Consumer<String> lines) {
            return new Spec(name, handler, env, classpath, timeout, log, lines);
        }
    }

    /** One lock per log file: several execution environments of a function append to the same file. */
    private static final Map<Path, Object> FILE_LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The outcome of one invocation: the handler's response, or Lambda's error document when {@code !ok}. */
    public record Result(String requestId, boolean ok, byte[] payload, Duration duration) {
        public String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Spec spec;
    private final ExecutorService reader;
    private Process process;
    private DataOutputStream toWorker;
    private DataInputStream fromWorker;

    public FunctionWorker(Spec spec) {
        this.spec = Objects.requireNonNull(spec);
        this.reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "worker-" + spec.name());
            t.setDaemon(true);
            return t;
        });
    }

    public Spec spec() {
        return spec;
    }

    /**
     * How long a new environment may take for its init phase. Lambda allows 10 s before it retries init within
     * the invocation; locally several JVMs may start at once on few cores, so this is generous, and the time is
     * not taken from the function's timeout (Lambda's timeout counts from the invocation).
     * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
     */
    static final Duration INIT_LIMIT = Duration.ofSeconds(120);

    public synchronized Result invoke(byte[] event) throws IOException {
        String requestId = UUID.randomUUID().toString();
        long start = System.nanoTime();
        ensureStarted();
        long deadline = System.currentTimeMillis() + spec.timeout().toMillis();
        try {
            toWorker.writeUTF(requestId);
            toWorker.writeLong(deadline);
            WorkerProtocol.writeBytes(toWorker, event);
            toWorker.flush();
        } catch (IOException e) {
            stop();
            throw new IOException(spec.name() + ": worker is gone (" + e.getMessage() + ")", e);
        }
        DataInputStream in = fromWorker;
        Future<Result> answer = reader.submit(() -> {
            boolean ok = in.readBoolean();
            byte[] payload = WorkerProtocol.readBytes(in);
            return new Result(requestId, ok, payload, Duration.ofNanos(System.nanoTime() - start));
        });
        try {
            // A little slack over the function's timeout for the worker's own bookkeeping.
            return answer.get(spec.timeout().toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            stop();
            String error = "{\"errorMessage\":\"" + requestId + " Task timed out after "
                    + spec.timeout().toSeconds() + ".00 seconds\",\"errorType\":\"Sandbox.Timedout\"}";
            return new Result(requestId, false, error.getBytes(StandardCharsets.UTF_8),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (ExecutionException e) {
            String exit = exitValue();
            stop();
            throw new IOException(spec.name() + ": worker died during the invocation (exit " + exit
                    + "); see its log", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IOException(spec.name() + ": interrupted", e);
        }
    }

    private void ensureStarted() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String cp = spec.classpath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", cp, WorkerMain.class.getName(),
                spec.handler());
        builder.environment().clear();
        builder.environment().putAll(spec.env());
        builder.redirectError(spec.log() == null || spec.logLines() != null
                ? ProcessBuilder.Redirect.PIPE
                : ProcessBuilder.Redirect.appendTo(spec.log().toFile()));
        process = builder.start();
        if (spec.log() != null && spec.logLines() != null) {
            pumpLines(process.getErrorStream());
        } else if (spec.log() == null) {
            // Through this process's System.err (not the file descriptor), so that whoever captures it sees it.
            InputStream logs = process.getErrorStream();
            Thread pump = new Thread(() -> {
                try {
                    logs.transferTo(System.err);
                } catch (IOException e) {
                    // the worker is gone
                }
            }, "logs-" + spec.name());
            pump.setDaemon(true);
            pump.start();
        }
        toWorker = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
        fromWorker = new DataInputStream(new BufferedInputStream(process.getInputStream()));
        DataInputStream in = fromWorker;
        Future<Boolean> ready = reader.submit(in::readBoolean);
        try {
            ready.get(INIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS); // an init error is answered per invocation
        } catch (TimeoutException | ExecutionException e) {
            ready.cancel(true);
            String exit = exitValue();
            stop();
            throw new IOException(spec.name() + ": the execution environment did not finish its init phase within "
                    + INIT_LIMIT.toSeconds() + " s (exit " + exit + "); see its log", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IOException(spec.name() + ": interrupted during init", e);
        }
    }

    /** Each log line to the log file, then to the listener. */
    private void pumpLines(InputStream logs) {
        Path file = spec.log();
        Object lock = FILE_LOCKS.computeIfAbsent(file, f -> new Object());
        Thread pump = new Thread(() -> {
            try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(logs,
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (lock) {
                        java.nio.file.Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8,
                                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    }
                    try {
                        spec.logLines().accept(line);
                    } catch (RuntimeException e) {
                        // a listener's problem never stops the log
                    }
                }
            } catch (IOException e) {
                // the worker is gone
            }
        }, "logs-" + spec.name());
        pump.setDaemon(true);
        pump.start();
    }

    private String exitValue() {
        try {
            return process == null ? "?" : Integer.toString(process.waitFor(1, TimeUnit.SECONDS)
                    ? process.exitValue() : -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** Stops the worker JVM (it is started again on the next invocation). */
    public synchronized void stop() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        try {
            p.getOutputStream().close(); // EOF: the worker's loop ends by itself
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        stop();
        reader.shutdownNow();
    }
}
