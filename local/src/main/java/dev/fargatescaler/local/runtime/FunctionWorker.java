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
import java.util.ArrayList;
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
     * @param aot       the function's AOT cache, used when written (a {@link FunctionPool} writes it); null for none
     */
    public record Spec(String name, String handler, Map<String, String> env, List<Path> classpath, Duration timeout,
                       Path log, Consumer<String> logLines, AotCache aot) {
        public Spec {
            env = Map.copyOf(env);
            classpath = List.copyOf(classpath);
        }

        public Spec(String name, String handler, Map<String, String> env, List<Path> classpath, Duration timeout,
                    Path log, Consumer<String> logLines) {
            this(name, handler, env, classpath, timeout, log, logLines, null);
        }

        public Spec(String name, String handler, Map<String, String> env, List<Path> classpath, Duration timeout,
                    Path log) {
            this(name, handler, env, classpath, timeout, log, null, null);
        }

        public Spec withLogLines(Consumer<String> lines) {
            return new Spec(name, handler, env, classpath, timeout, log, lines, aot);
        }

        public Spec withAot(AotCache cache) {
            return new Spec(name, handler, env, classpath, timeout, log, logLines, cache);
        }
    }

    /**
     * Every worker JVM's options. The JVM's own warnings (unified logging: stdout by default) go to stderr, the
     * function's log, so that stdout carries only the protocol.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xlog:disable", "-Xlog:all=warning:stderr");

    /**
     * A worker started with an AOT cache: its messages about the cache are off (with {@code -XX:AOTMode=on} a cache
     * it cannot use makes it exit, and {@link #ensureStarted} says so in one line and starts it without the cache).
     */
    static final List<String> JVM_OPTIONS_WITH_CACHE = List.of("-Xlog:disable",
            "-Xlog:all=warning,aot*=off,cds*=off:stderr");

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
    private Path startedWith;
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

    /**
     * Starts the execution environment now, when it is not running: returns once its init phase is over (what
     * {@code bench/local-worker.sh} times as "ready for its first invocation").
     */
    public synchronized void start() throws IOException {
        ensureStarted();
    }

    /** The AOT cache the running worker was started with, or null (plain JVM, or not running). */
    public synchronized Path startedWithAotCache() {
        return isRunning() ? startedWith : null;
    }

    /** The command line of a worker JVM for {@code spec}, with {@code jvmOptions} added. */
    static List<String> command(Spec spec, List<String> jvmOptions) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String cp = spec.classpath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", cp, WorkerMain.class.getName(), spec.handler()));
        return command;
    }

    private void ensureStarted() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        AotCache aot = spec.aot();
        Path cache = aot == null ? null : aot.usable(spec);
        if (cache != null) {
            List<String> options = new ArrayList<>(JVM_OPTIONS_WITH_CACHE);
            options.addAll(AotCache.launchOptions(cache));
            try {
                launch(options);
                startedWith = cache;
                return;
            } catch (BeforeReady e) {
                aot.setAside(spec, cache, e.getMessage());
            }
        }
        try {
            launch(JVM_OPTIONS);
            startedWith = null;
        } catch (BeforeReady e) {
            throw new IOException(spec.name() + ": the execution environment ended before the end of its init "
                    + "phase (" + e.getMessage() + "); see its log", e);
        }
    }

    /** The worker JVM ended, or wrote something else than the protocol, before its ready frame. */
    private static final class BeforeReady extends IOException {
        BeforeReady(String message) {
            super(message);
        }
    }

    private void launch(List<String> jvmOptions) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(spec, jvmOptions));
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
        Process started = process;
        Future<String> ready = reader.submit(() -> readReady(in, started));
        String notReady;
        try {
            // An init error is answered per invocation; null: ready.
            notReady = ready.get(INIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
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
        if (notReady != null) {
            String exit = exitValue();
            stop();
            throw new BeforeReady(notReady + ", exit " + exit);
        }
    }

    /** @return null once the ready frame is read, else what the worker did instead */
    private static String readReady(DataInputStream in, Process worker) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length == 4 && java.nio.ByteBuffer.wrap(magic).getInt() == WorkerProtocol.READY_MAGIC) {
            in.readBoolean();
            return null;
        }
        byte[] rest = new byte[0];
        if (magic.length > 0) {
            // Not the protocol (the JVM writes "Error occurred during initialization of VM" there, then exits): what
            // it said is kept for the message, and a worker that goes on is of no use either.
            try {
                if (worker.waitFor(1, TimeUnit.SECONDS)) {
                    rest = in.readNBytes(2_000);
                } else {
                    rest = in.readNBytes(Math.min(in.available(), 2_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // what it said so far is enough
            }
            worker.descendants().forEach(ProcessHandle::destroyForcibly);
            worker.destroyForcibly();
        }
        String said = (new String(magic, StandardCharsets.UTF_8) + new String(rest, StandardCharsets.UTF_8))
                .strip().replaceAll("\\s+", " ");
        return said.isEmpty() ? "it exited" : "it said: " + said;
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
