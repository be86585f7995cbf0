package dev.fargatescaler.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Links every class of a jar without initialising any: loads it ({@code Class.forName(name, false, ...)}) and asks
 * for its declared members, which makes HotSpot link, and so verify, the class (jvm.cpp,
 * {@code get_class_declared_methods_helper} calls {@code link_class}). A class whose stack map frames or references a
 * shrinker got wrong fails here with a {@code VerifyError} or {@code NoClassDefFoundError}, even if no test path
 * runs it. Run by ShadedJarsWorkTest in a fresh JVM with only the jar and this class on the class path.
 *
 * <p>Usage: {@code LinkAll <jar>}. Prints {@code FAIL <class> <error>} for each class that does not link, then
 * {@code linked=<n> failed=<m>}.
 */
public final class LinkAll {

    private LinkAll() {
    }

    public static void main(String[] args) throws IOException {
        TreeMap<String, String> failures = new TreeMap<>();
        int linked = 0;
        ClassLoader loader = LinkAll.class.getClassLoader();
        try (JarFile jar = new JarFile(Path.of(args[0]).toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                String entry = entries.nextElement().getName();
                if (!entry.endsWith(".class") || entry.startsWith("META-INF/") || entry.endsWith("module-info.class")
                        || entry.endsWith("package-info.class")) {
                    continue;
                }
                String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                try {
                    Class<?> type = Class.forName(name, false, loader);
                    type.getDeclaredMethods();
                    type.getDeclaredFields();
                    type.getDeclaredConstructors();
                    linked++;
                } catch (Throwable e) {
                    failures.put(name, e.getClass().getName());
                }
            }
        }
        failures.forEach((name, error) -> System.out.println("FAIL " + name + " " + error));
        System.out.println("linked=" + linked + " failed=" + failures.size());
    }
}
