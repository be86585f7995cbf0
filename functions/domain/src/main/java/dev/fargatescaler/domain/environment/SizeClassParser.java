package dev.fargatescaler.domain.environment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.task.TaskNaming;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Reads an environment's {@code sizeClasses} (docs/configuration.md, "Size classes") for {@link EnvironmentParser},
 * reporting every problem through the given sink, each prefixed with the class it concerns.
 *
 * <p>Tags: a class's tags must share none with its environment's tags or with another class's tags. GitLab hands a
 * job to any runner whose tags include all of the job's tags (gitlabhq {@code app/models/ci/runner.rb},
 * {@code accepting_tags?}), and a runner asking for work gets the first matching pending job, not the one its task
 * was started for. Were a class runner's tags a superset of the environment's (say {@code fargate, dev, large}), a
 * large task would take any waiting {@code fargate, dev} job, and the large job would wait for a task that went to
 * a small one. With disjoint tag lists every job matches at most one runner of the environment, which is the
 * runner the scaler starts a task for.
 */
final class SizeClassParser {

    private static final Set<String> KEYS = Set.of("name", "tags", "cpu", "memoryMiB", "ephemeralStorageGiB",
            "tokenSlot");

    private SizeClassParser() {
    }

    /**
     * @param node            the {@code sizeClasses} value, or null when absent
     * @param environmentTags the environment's own tags
     * @param platformVersion the environment's Fargate platform version, or null (LATEST)
     * @param problems        receives each problem, worded for the environment's label
     * @return the classes that are valid (all of them when no problem was reported)
     */
    static List<SizeClass> parse(JsonNode node, Set<String> environmentTags, String platformVersion,
                                 Consumer<String> problems) {
        List<SizeClass> classes = new ArrayList<>();
        if (node == null || node.isNull()) {
            return classes;
        }
        if (!node.isArray()) {
            problems.accept("sizeClasses must be an array of {name, tags, cpu, memoryMiB, ephemeralStorageGiB, "
                    + "tokenSlot} objects");
            return classes;
        }
        if (node.size() > SizeClass.MAX_TOKEN_SLOTS) {
            problems.accept("sizeClasses has " + node.size() + " classes: at most " + SizeClass.MAX_TOKEN_SLOTS
                    + " (environment.yaml has " + SizeClass.MAX_TOKEN_SLOTS + " class token slots)");
        }
        Set<String> names = new LinkedHashSet<>();
        Map<Integer, String> slots = new LinkedHashMap<>();
        Map<String, String> tagOwners = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode entry : node) {
            String label = "sizeClasses[" + index++ + "]";
            if (!entry.isObject()) {
                problems.accept(label + " must be an object");
                continue;
            }
            String name = entry.path("name").isTextual() ? entry.get("name").textValue() : null;
            if (name != null) {
                label = label + " (" + name + ")";
            }
            String where = label;
            Consumer<String> problem = what -> problems.accept(where + ": " + what);
            List<String> found = new ArrayList<>();
            Consumer<String> collecting = what -> {
                found.add(what);
                problem.accept(what);
            };
            entry.fieldNames().forEachRemaining(key -> {
                if (!KEYS.contains(key)) {
                    collecting.accept("unknown key \"" + key + "\" (known: " + String.join(", ", new TreeSet<>(KEYS))
                            + ")");
                }
            });
            if (name == null) {
                collecting.accept("name is required (a string)");
            } else if (!TaskNaming.ENVIRONMENT_NAME.matcher(name).matches()) {
                collecting.accept("name \"" + name + "\" must match " + TaskNaming.ENVIRONMENT_NAME.pattern()
                        + " (lower-case letters, digits and '-', at most 20 characters)");
            } else if (name.equals(SizeClass.DEFAULT_NAME)) {
                collecting.accept("name \"" + SizeClass.DEFAULT_NAME + "\" is reserved for the environment's own size");
            } else if (!names.add(name)) {
                collecting.accept("name \"" + name + "\" is used by another size class of this environment");
            }
            Set<String> tags = tags(entry.get("tags"), collecting);
            for (String tag : tags) {
                if (environmentTags.contains(tag)) {
                    collecting.accept("tag \"" + tag + "\" is also one of the environment's tags: a class runner's tags "
                            + "must share none with the environment's (or GitLab could give the class runner the "
                            + "environment's jobs, and the other way round); give the class a tag of its own, such "
                            + "as \"" + tag + "-" + (name == null ? "large" : name) + "\"");
                } else if (tagOwners.containsKey(tag)) {
                    collecting.accept("tag \"" + tag + "\" is also a tag of size class " + tagOwners.get(tag)
                            + ": classes must not share tags");
                }
            }
            Integer cpu = integer(entry, "cpu", collecting);
            Integer memory = integer(entry, "memoryMiB", collecting);
            if (cpu != null && memory != null) {
                FargateTaskSizes.problem(cpu, memory).ifPresent(collecting);
            }
            Integer storage = null;
            if (entry.hasNonNull("ephemeralStorageGiB")) {
                storage = integer(entry, "ephemeralStorageGiB", collecting);
                if (storage != null) {
                    FargateTaskSizes.storageProblem(storage).ifPresent(collecting);
                }
            }
            Integer slot = integer(entry, "tokenSlot", collecting);
            if (slot != null && (slot < 1 || slot > SizeClass.MAX_TOKEN_SLOTS)) {
                collecting.accept("tokenSlot must be 1 to " + SizeClass.MAX_TOKEN_SLOTS
                        + " (environment.yaml SizeClass<n>TokenSecretArn), got " + slot);
            } else if (slot != null && slots.containsKey(slot)) {
                collecting.accept("tokenSlot " + slot + " is already the slot of size class " + slots.get(slot)
                        + ": each class runner has its own token");
            }
            if (!found.isEmpty()) {
                continue;
            }
            TaskSize size = new TaskSize(cpu, memory, storage);
            if (FargateTaskSizes.needsPlatform14(size) && platformVersion != null && !platformVersion.equals("LATEST")
                    && compareVersions(platformVersion, "1.4.0") < 0) {
                problem.accept("needs Fargate platform version 1.4.0 or later (8 or 16 vCPU, or ephemeral storage), "
                        + "but the environment's platformVersion is " + platformVersion);
                continue;
            }
            slots.put(slot, name);
            tags.forEach(tag -> tagOwners.put(tag, name));
            classes.add(new SizeClass(name, tags, size, slot));
        }
        return classes;
    }

    private static Set<String> tags(JsonNode node, Consumer<String> problem) {
        Set<String> tags = new LinkedHashSet<>();
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
            problem.accept("tags are required: the complete tag list of the class's runner in GitLab, e.g. "
                    + "[\"dev-large\"]");
            return tags;
        }
        if (!node.isArray()) {
            problem.accept("tags must be an array of strings");
            return tags;
        }
        for (JsonNode tag : node) {
            if (!tag.isTextual() || !EnvironmentParser.TAG.matcher(tag.textValue()).matches()) {
                problem.accept("tag " + tag + " is not a valid GitLab tag (a non-empty string without commas or "
                        + "surrounding blanks)");
            } else if (!tags.add(tag.textValue())) {
                problem.accept("tag \"" + tag.textValue() + "\" is listed twice");
            }
        }
        return tags;
    }

    private static Integer integer(JsonNode node, String field, Consumer<String> problem) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            problem.accept(field + " is required (a whole number)");
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            problem.accept(field + " must be a whole number, got " + value);
            return null;
        }
        return value.intValue();
    }

    /** Compares dotted version numbers such as 1.3.0 and 1.4.0. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? Integer.parseInt(x[i]) : 0;
            int q = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }
}
