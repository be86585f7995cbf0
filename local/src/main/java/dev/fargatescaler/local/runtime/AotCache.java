package dev.fargatescaler.local.runtime;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One function's JDK 25 AOT cache (JEP 483/514/515: classes loaded and linked, method profiles), so that its
 * worker JVMs start faster. A cache belongs to one JVM build and one class path, so it is written on this machine,
 * in {@code dir}, under a name keyed by both: {@code <function>-<key>.aot}, the key a hash of the JVM (home,
 * version, name), the handler, the worker's JVM options (with {@code JAVA_TOOL_OPTIONS} of the function's
 * environment) and every class-path entry's path, size and modification time. A rebuilt jar or another JVM gives another key, and so a new training; the old file is deleted when the
 * new one is written.
 *
 * <p>The key is checked here, not left to the JVM: JDK 25 up to 25.0.3 maps a cache whose jar has changed and
 * loads the old classes from it (JDK-8377932, https://bugs.openjdk.org/browse/JDK-8377932, fixed in 25.0.4; seen
 * here with Temurin 25.0.3).
 *
 * <p>Training is one worker JVM run with {@code -XX:AOTCacheOutput} up to the end of the handler's init phase (the
 * no-arg constructor: configuration, SDK clients; no invocation, so no side effect) that then exits, which makes the
 * JVM assemble the cache (https://openjdk.org/jeps/514). It runs in the background, one at a time, when a
 * {@link FunctionPool} is created ({@code bin/local start} and {@code demo}); workers started before it is done
 * start on the plain JVM. A worker started with the cache uses {@code -XX:AOTMode=on}, so that a cache the JVM
 * cannot use makes it exit at once instead of warning and running slowly; {@link FunctionWorker} then starts it
 * again on the plain JVM, and the cache is set aside (a {@code .unusable} note beside it) until the key changes.
 * Nothing here fails a start: every problem is one line to {@code say}, and the workers run without the cache.
 */
public final class AotCache implements AutoCloseable {

    /** The first JDK that writes an AOT cache in one training run ({@code -XX:AOTCacheOutput}, JEP 514). */
    static final int FIRST_JDK = 25;

    /** A training run is killed past this (a normal one takes a few seconds). */
    static final Duration TRAINING_LIMIT = Duration.ofMinutes(3);

    /** Trainings run one at a time, so that the first start does not put every function's JVM on the cores at once. */
    private static final ExecutorService TRAINER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "aot-training");
        t.setDaemon(true);
        return t;
    });

    /** What a launch with the cache adds: the cache, and "use it or exit" (never a silent slow start). */
    static final String MODE_ON = "-XX:AOTMode=on";

    private final Path dir;
    private final Consumer<String> say;
    private final Set<String> said = new HashSet<>();
    private Process training;
    private boolean requested;
    private boolean closed;

    /**
     * @param dir where caches, training logs and the worker runtime's jar live ({@code local/target/aot} for
     *            bin/local)
     * @param say one line per outcome (written, not used and why)
     */
    public AotCache(Path dir, Consumer<String> say) {
        this.dir = dir.toAbsolutePath();
        this.say = say;
    }

    public Path dir() {
        return dir;
    }

    /** Where the cache of this spec is, or null with the reason in {@code why[0]} when it cannot have one. */
    Path file(FunctionWorker.Spec spec, String[] why) {
        if (Runtime.version().feature() < FIRST_JDK) {
            why[0] = "JDK " + Runtime.version().feature() + " writes no AOT cache in one run (JDK " + FIRST_JDK
                    + " does)";
            return null;
        }
        MessageDigest digest = WorkerRuntimeJar.sha256();
        for (String part : List.of("v1", System.getProperty("java.home"), System.getProperty("java.vm.version"),
                System.getProperty("java.vm.name"), spec.handler(), String.join(" ", FunctionWorker.JVM_OPTIONS),
                // JVM options from the function's environment (the template sets JAVA_TOOL_OPTIONS: the GC)
                spec.env().getOrDefault("JAVA_TOOL_OPTIONS", ""), spec.env().getOrDefault("JDK_JAVA_OPTIONS", ""))) {
            digest.update((part + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (Path entry : spec.classpath()) {
            Path absolute = entry.toAbsolutePath();
            if (!Files.isRegularFile(absolute)) {
                why[0] = absolute + (Files.isDirectory(absolute) ? " is a directory" : " does not exist")
                        + " (an AOT cache takes a class path of jars only)";
                return null;
            }
            try {
                digest.update((absolute + "\n" + Files.size(absolute) + "\n"
                        + Files.getLastModifiedTime(absolute).to(TimeUnit.NANOSECONDS) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                why[0] = "cannot read " + absolute + ": " + e.getMessage();
                return null;
            }
        }
        return dir.resolve(stem(spec) + "-" + HexFormat.of().formatHex(digest.digest(), 0, 8) + ".aot");
    }

    /** The cache to start a worker with, or null (not written yet, set aside, or impossible). */
    Path usable(FunctionWorker.Spec spec) {
        Path file = file(spec, new String[1]);
        return file != null && Files.isRegularFile(file) && !Files.exists(note(file)) ? file : null;
    }

    /** The JVM options of a worker started with {@code file}. */
    static List<String> launchOptions(Path file) {
        return List.of("-XX:AOTCache=" + file, MODE_ON);
    }

    /**
     * The worker started with {@code file} did not reach its ready frame: sets the cache aside (the next
     * training for this key is skipped) and says so, once.
     */
    void setAside(FunctionWorker.Spec spec, Path file, String what) {
        try {
            Files.deleteIfExists(file);
            Files.writeString(note(file), what + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the note only saves a later training run
        }
        sayOnce(spec.name() + ": the AOT cache " + file + " could not be used (" + what + "); starting the "
                + "worker on the plain JVM, and without the cache until the jars or the JVM change");
    }

    /** Writes the cache in the background unless it exists (or cannot exist: then says why, once). */
    public synchronized void trainInBackground(FunctionWorker.Spec spec) {
        if (requested || closed) {
            return;
        }
        requested = true;
        String[] why = new String[1];
        Path file = file(spec, why);
        if (file == null) {
            sayOnce(spec.name() + ": workers start on the plain JVM, without an AOT cache: " + why[0]);
            return;
        }
        if (Files.isRegularFile(file) || Files.exists(note(file))) {
            return;
        }
        TRAINER.execute(() -> {
            try {
                train(spec);
            } catch (RuntimeException e) {
                sayOnce(spec.name() + ": no AOT cache (" + e + "); workers start on the plain JVM");
            }
        });
    }

    /**
     * Runs the training now (the caller waits) unless the cache exists.
     *
     * @return the cache, or null when none could be written (said why)
     */
    public Path train(FunctionWorker.Spec spec) {
        String[] why = new String[1];
        Path file = file(spec, why);
        if (file == null) {
            sayOnce(spec.name() + ": workers start on the plain JVM, without an AOT cache: " + why[0]);
            return null;
        }
        if (Files.isRegularFile(file)) {
            return file;
        }
        Path log = dir.resolve(file.getFileName() + ".training.log");
        Path tmp = dir.resolve(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        long started = System.nanoTime();
        String failure;
        try {
            Files.createDirectories(dir);
            failure = runTraining(spec, tmp, log);
            if (failure == null) {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                deleteOlder(spec, file);
                say.accept(String.format(Locale.ROOT, "%s: AOT cache written in %.1f s (%d MB, %s); workers "
                        + "started from now on use it", spec.name(), (System.nanoTime() - started) / 1e9,
                        Files.size(file) >> 20, file));
                return file;
            }
        } catch (IOException e) {
            failure = e.toString();
        } finally {
            deleteQuietly(tmp);
            deleteQuietly(Path.of(tmp + ".config"));
        }
        synchronized (this) {
            if (closed) {
                return null; // stopped by close(): nothing to report
            }
        }
        sayOnce(spec.name() + ": no AOT cache (the training run " + failure + "; see " + log
                + "); workers start on the plain JVM");
        return null;
    }

    /** @return null when {@code tmp} holds the cache, else what went wrong */
    private String runTraining(FunctionWorker.Spec spec, Path tmp, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(FunctionWorker.command(spec,
                List.of("-XX:AOTCacheOutput=" + tmp)));
        builder.environment().clear();
        builder.environment().putAll(spec.env());
        builder.redirectError(ProcessBuilder.Redirect.to(log.toFile()));
        Process process;
        synchronized (this) {
            if (closed) {
                return "was stopped";
            }
            process = builder.start();
            training = process;
        }
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(TRAINING_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill(process);
                }
            } catch (InterruptedException e) {
                kill(process);
            }
        }, "aot-training-watchdog-" + spec.name());
        watchdog.setDaemon(true);
        watchdog.start();
        try (InputStream stdout = process.getInputStream()) {
            DataInputStream in = new DataInputStream(stdout);
            boolean initOk;
            try {
                if (in.readInt() != WorkerProtocol.READY_MAGIC) {
                    kill(process);
                    return "wrote to stdout before its ready frame";
                }
                initOk = in.readBoolean();
            } catch (IOException e) {
                return "ended before the end of its init phase (exit " + exitOf(process) + ")";
            }
            process.getOutputStream().close(); // EOF: the worker returns from main, the JVM writes the cache
            // What the JVM says about the cache (it writes it to stdout) goes to the training log.
            Files.write(log, stdout.readAllBytes(), StandardOpenOption.APPEND);
            int exit = exitOf(process);
            if (!initOk) {
                return "failed in the handler's init phase";
            }
            if (exit != 0 || !Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                return "exited " + exit + " without writing the cache";
            }
            return null;
        } finally {
            synchronized (this) {
                training = null;
            }
        }
    }

    private static int exitOf(Process process) {
        try {
            if (process.waitFor(TRAINING_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            kill(process);
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
            return -1;
        }
    }

    /** The training JVM starts a child JVM that assembles the cache: both go. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void deleteOlder(FunctionWorker.Spec spec, Path keep) {
        try (DirectoryStream<Path> older = Files.newDirectoryStream(dir, stem(spec) + "-*.aot*")) {
            for (Path f : older) {
                String name = f.getFileName().toString();
                if (!name.startsWith(keep.getFileName().toString()) && !name.endsWith(".tmp")) {
                    deleteQuietly(f);
                }
            }
        } catch (IOException e) {
            // old caches only take space
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static Path note(Path file) {
        return Path.of(file + ".unusable");
    }

    /** The function's name as a file name. */
    private static String stem(FunctionWorker.Spec spec) {
        return spec.name().replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    private synchronized void sayOnce(String line) {
        if (said.add(line)) {
            say.accept(line);
        }
    }

    /** Stops a training in progress (its partial files are deleted). */
    @Override
    public void close() {
        Process p;
        synchronized (this) {
            closed = true;
            p = training;
        }
        if (p != null) {
            kill(p);
        }
    }
}
