package dev.fargatescaler.local.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The local runtime's worker classes (this package) as a jar, for a worker's class path. A class-data archive
 * (AppCDS, JDK 25's AOT cache) refuses a class path that holds a non-empty directory ("Cannot have non-empty
 * directory in paths"), and bin/local runs the local module from {@code local/target/classes}: so the package is
 * copied into {@code local-runtime-<content hash>.jar}. The name changes only when a class changes, and an
 * existing jar is never rewritten, so its size and time stay those an AOT cache was trained with.
 */
public final class WorkerRuntimeJar {

    private static final String PACKAGE_DIR = WorkerMain.class.getPackageName().replace('.', '/');

    private WorkerRuntimeJar() {
    }

    /**
     * @param codeSource where {@link WorkerMain} was loaded from: a jar (returned as it is) or a classes directory
     * @param dir        where the jar is written
     */
    public static Path of(Path codeSource, Path dir) throws IOException {
        if (Files.isRegularFile(codeSource)) {
            return codeSource;
        }
        Path classes = codeSource.resolve(PACKAGE_DIR);
        List<Path> files;
        try (Stream<Path> list = Files.list(classes)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".class")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no classes in " + classes);
        }
        MessageDigest digest = sha256();
        for (Path f : files) {
            digest.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update(Files.readAllBytes(f));
        }
        Path jar = dir.resolve("local-runtime-" + HexFormat.of().formatHex(digest.digest(), 0, 8) + ".jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "local-runtime-", ".jar.tmp");
        try {
            try (OutputStream file = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(file)) {
                for (Path f : files) {
                    JarEntry entry = new JarEntry(PACKAGE_DIR + "/" + f.getFileName());
                    entry.setTime(0L); // the same classes give the same bytes
                    out.putNextEntry(entry);
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            // Another bin/local may have written it meanwhile: its copy has the same content.
            Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        // The jars of earlier builds (and the AOT caches trained with them, keyed out already) are of no use.
        try (Stream<Path> older = Files.list(dir)) {
            for (Path f : older.filter(f -> f.getFileName().toString().matches("local-runtime-[0-9a-f]+\\.jar")
                    && !f.equals(jar)).toList()) {
                Files.deleteIfExists(f);
            }
        }
        return jar;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
