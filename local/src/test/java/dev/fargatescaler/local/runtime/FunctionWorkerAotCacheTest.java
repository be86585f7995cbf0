package dev.fargatescaler.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers start with their function's AOT cache when it is written for their JVM and class path, and on the plain
 * JVM when it is missing, stale or refused by the JVM, which never fails the start (no timing here: the speed-up
 * is bench/local-worker.sh's).
 */
class FunctionWorkerAotCacheTest {

    /** Answers with its JVM's command-line options: what the worker was really started with. */
    public static final class JvmOptions implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            output.write(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    @TempDir
    Path dir;

    private final List<String> said = new CopyOnWriteArrayList<>();
    private Path handlerJar;
    private AotCache cache;
    private FunctionWorker.Spec spec;

    @BeforeEach
    void jarsOnly() throws Exception {
        assumeTrue(Runtime.version().feature() >= AotCache.FIRST_JDK, "the build runs on JDK 25");
        handlerJar = dir.resolve("function.jar");
        writeHandlerJar(handlerJar, false);
        List<Path> classpath = List.of(handlerJar, WorkerRuntimeJar.of(codeSource(WorkerMain.class), dir),
                codeSource(PojoSerializer.class), codeSource(Context.class));
        cache = new AotCache(dir.resolve("aot"), said::add);
        spec = new FunctionWorker.Spec("Probe", JvmOptions.class.getName(), Map.of("PATH", "/usr/bin:/bin"),
                classpath, Duration.ofSeconds(30), null).withAot(cache);
    }

    @Test
    void withoutACacheTheWorkerStartsOnThePlainJvmAndOnceItIsWrittenWithIt() throws IOException {
        try (FunctionWorker plain = new FunctionWorker(spec)) {
            plain.start();
            assertThat(plain.startedWithAotCache()).isNull();
            assertThat(options(plain)).doesNotContain("-XX:AOTCache");
        }

        Path written = cache.train(spec);

        assertThat(written).isRegularFile().hasParent(dir.resolve("aot"));
        assertThat(said).singleElement().asString().startsWith("Probe: AOT cache written in ");
        try (FunctionWorker cached = new FunctionWorker(spec)) {
            cached.start();
            assertThat(cached.startedWithAotCache()).isEqualTo(written);
            // AOTMode=on: a JVM that cannot map the cache exits instead of running without it.
            assertThat(options(cached)).contains("-XX:AOTCache=" + written, "-XX:AOTMode=on");
        }
    }

    @Test
    void aPoolWritesTheCacheInTheBackgroundAndWorkersStartedAfterwardsUseIt() throws Exception {
        try (FunctionPool pool = new FunctionPool(spec, 1)) {
            // Waits for the background training (the limit only ends a broken run; nothing is timed).
            long giveUp = System.nanoTime() + AotCache.TRAINING_LIMIT.toNanos();
            while (said.isEmpty() && System.nanoTime() < giveUp) {
                Thread.sleep(50);
            }
            Path file = cache.file(spec, new String[1]);
            assertThat(said).singleElement().asString().startsWith("Probe: AOT cache written in ").contains(file.toString());

            FunctionWorker.Result result = pool.invoke("{}".getBytes(StandardCharsets.UTF_8));

            assertThat(result.payloadText()).contains("-XX:AOTCache=" + file, "-XX:AOTMode=on");
        }
    }

    @Test
    void aCacheOfAnotherBuildOfTheJarIsNotUsedAndTheNextTrainingReplacesIt() throws IOException {
        Path old = cache.train(spec);
        writeHandlerJar(handlerJar, true); // a rebuilt function jar: another size and time

        try (FunctionWorker worker = new FunctionWorker(spec)) {
            worker.start();
            assertThat(worker.startedWithAotCache()).isNull();
            assertThat(options(worker)).doesNotContain("-XX:AOTCache");
        }
        Path fresh = cache.train(spec);
        assertThat(fresh).isNotEqualTo(old).isRegularFile();
        assertThat(old).doesNotExist();
    }

    @Test
    void aCacheTheJvmRefusesIsSetAsideWithOneLineAndTheWorkerStartsWithoutIt() throws IOException {
        Path file = cache.file(spec, new String[1]);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[64 * 1024]); // not a cache: the JVM prints "Unable to use AOT cache." on stdout

        try (FunctionWorker worker = new FunctionWorker(spec)) {
            worker.start();

            assertThat(worker.startedWithAotCache()).isNull();
            FunctionWorker.Result result = worker.invoke("{}".getBytes(StandardCharsets.UTF_8));
            assertThat(result.ok()).as(result.payloadText()).isTrue();
            assertThat(result.payloadText()).doesNotContain("-XX:AOTCache");
        }
        assertThat(said).singleElement().asString()
                .contains("Probe: the AOT cache " + file + " could not be used")
                .contains("Unable to use AOT cache")
                .contains("starting the worker on the plain JVM");
        assertThat(file).doesNotExist();
        // Set aside until the key changes: the next worker does not try it again, nor does a pool train it.
        cache.trainInBackground(spec);
        try (FunctionWorker next = new FunctionWorker(spec)) {
            next.start();
            assertThat(next.startedWithAotCache()).isNull();
        }
        assertThat(said).hasSize(1);
        assertThat(file).doesNotExist();
    }

    @Test
    void aClassPathWithADirectoryGetsNoCacheAndSaysWhy() throws IOException {
        FunctionWorker.Spec withDirectory = new FunctionWorker.Spec("Probe", JvmOptions.class.getName(), Map.of(),
                List.of(codeSource(JvmOptions.class), codeSource(WorkerMain.class), codeSource(PojoSerializer.class),
                        codeSource(Context.class)), Duration.ofSeconds(30), null).withAot(cache);

        assertThat(cache.train(withDirectory)).isNull();

        assertThat(said).singleElement().asString().startsWith("Probe: workers start on the plain JVM, without an "
                + "AOT cache: ").contains("is a directory");
        try (FunctionWorker worker = new FunctionWorker(withDirectory)) {
            worker.start();
            assertThat(worker.startedWithAotCache()).isNull();
        }
    }

    private static String options(FunctionWorker worker) throws IOException {
        FunctionWorker.Result result = worker.invoke("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(result.ok()).as(result.payloadText()).isTrue();
        return result.payloadText();
    }

    /** The test handler in a jar of its own; {@code rebuilt} adds an entry, as a new build changes the jar. */
    private static void writeHandlerJar(Path jar, boolean rebuilt) throws IOException {
        String name = JvmOptions.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(name));
            Files.copy(codeSource(JvmOptions.class).resolve(name), out);
            out.closeEntry();
            if (rebuilt) {
                out.putNextEntry(new JarEntry("rebuilt.txt"));
                out.write("another build".getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
