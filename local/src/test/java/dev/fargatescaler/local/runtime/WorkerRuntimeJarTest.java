package dev.fargatescaler.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker runtime's jar changes only with its classes: an AOT cache keyed on its size and time stays valid. */
class WorkerRuntimeJarTest {

    @TempDir
    Path dir;

    @Test
    void theSameClassesGiveTheSameJarUntouchedAndNewClassesANewJarThatReplacesIt() throws Exception {
        Path classes = dir.resolve("classes");
        Path runtime = classes.resolve("dev/fargatescaler/local/runtime");
        Files.createDirectories(runtime);
        Files.write(runtime.resolve("WorkerMain.class"), new byte[] {1, 2, 3});
        Path out = dir.resolve("aot");

        Path first = WorkerRuntimeJar.of(classes, out);
        Files.setLastModifiedTime(first, FileTime.fromMillis(1_000_000L));
        Path again = WorkerRuntimeJar.of(classes, out);

        assertThat(again).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(again).toMillis()).isEqualTo(1_000_000L);
        try (JarFile jar = new JarFile(first.toFile())) {
            assertThat(jar.getEntry("dev/fargatescaler/local/runtime/WorkerMain.class")).isNotNull();
        }

        Files.write(runtime.resolve("WorkerMain.class"), new byte[] {1, 2, 3, 4}); // a rebuilt runtime
        Path rebuilt = WorkerRuntimeJar.of(classes, out);

        assertThat(rebuilt).isNotEqualTo(first).isRegularFile();
        assertThat(first).doesNotExist();
    }

    @Test
    void aJarIsUsedAsItIs() throws Exception {
        Path jar = Files.write(dir.resolve("local.jar"), new byte[] {0});

        assertThat(WorkerRuntimeJar.of(jar, dir.resolve("aot"))).isEqualTo(jar);
        assertThat(dir.resolve("aot")).doesNotExist();
    }
}
