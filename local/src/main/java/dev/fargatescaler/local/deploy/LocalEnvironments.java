package dev.fargatescaler.local.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code local/environments.json}: the environments local mode deploys, each as one environment.yaml stack, as
 * {@code sam deploy --config-env <name>} would. Each entry is written in the scaler's environment format
 * (docs/configuration.md) without what the stack itself provides (cluster, task definition, network): local mode
 * turns the entry into environment.yaml's parameters. {@link #read} checks everything before anything is
 * created, and reports every problem at once: the scaler's own {@link EnvironmentParser} on each entry, then
 * CloudFormation's checks of the parameters and rules, then the parser again on the JSON the stack registers.
 */
public final class LocalEnvironments {

    /**
     * One environment: its name, the environment.yaml parameters it is deployed with and, for an environment with
     * an {@code assumeRole}, the account it is deployed in (its role's account; null = the control plane's).
     */
    public record Entry(int index, String name, Map<String, String> parameters, String account) {
        public Entry(int index, String name, Map<String, String> parameters) {
            this(index, name, parameters, null);
        }

        /** The role environment.yaml creates in cross-account mode, which the entry's assumeRole must name. */
        public String controlRoleArn() {
            return "arn:aws:iam::" + account + ":role/glfs-" + name + "-control";
        }
    }

    /**
     * The role ARNs and accounts of the entries with an {@code assumeRole}, read before anything is checked: the
     * control plane's {@code EnvironmentRoleArns} and {@code EnvironmentAccountIds}, as an operator sets them
     * (docs/deploy.md). Empty when the file cannot be read (its check reports why).
     */
    public static Map<String, String> controlPlaneParameters(Path file) {
        List<String> roles = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        try {
            for (JsonNode entry : Json.MAPPER.readTree(Files.readAllBytes(file)).path("environments")) {
                String role = entry.path("assumeRole").path("roleArn").asText(null);
                if (role != null) {
                    roles.add(role);
                    dev.fargatescaler.domain.environment.AccountAccess.accountOfArn(role)
                            .filter(a -> !accounts.contains(a)).ifPresent(accounts::add);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return roles.isEmpty() ? Map.of() : Map.of("EnvironmentRoleArns", String.join(",", roles),
                "EnvironmentAccountIds", String.join(",", accounts));
    }

    /** Keys of the scaler's format that the environment stack sets itself. */
    static final Set<String> SET_BY_THE_STACK = Set.of("cluster", "taskDefinition", "containerName", "subnets",
            "securityGroups", "assignPublicIp", "platformVersion");

    private final Path file;
    private final Map<String, String> common;
    private final List<Entry> entries;

    private LocalEnvironments(Path file, Map<String, String> common, List<Entry> entries) {
        this.file = file;
        this.common = common;
        this.entries = entries;
    }

    public Path file() {
        return file;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The environment.yaml parameters every local environment gets (the file's {@code parameters}). */
    public Map<String, String> commonParameters() {
        return common;
    }

    /**
     * Reads and checks the file.
     *
     * @param stacks evaluates environment.yaml for an entry's parameters, before anything exists (placeholders
     *               for the network), to check what CloudFormation would check
     * @throws ConfigurationException every problem found, each naming the file and the entry
     */
    public static LocalEnvironments read(Path file, EnvironmentStacks stacks) {
        String shown = file.getFileName() == null ? file.toString() : "local/" + file.getFileName();
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new ConfigurationException(List.of(shown + " is not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new ConfigurationException(List.of("cannot read " + file + ": " + e.getMessage()));
        }
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject() || !root.path("environments").isArray()) {
            throw new ConfigurationException(List.of(shown + " must be an object with an \"environments\" array"));
        }
        root.fieldNames().forEachRemaining(key -> {
            if (!key.startsWith("//") && !Set.of("parameters", "environments").contains(key)) {
                problems.add(shown + ": unknown key \"" + key + "\" (known: parameters, environments)");
            }
        });
        Map<String, String> common = new LinkedHashMap<>();
        root.path("parameters").fields().forEachRemaining(p -> {
            if (!p.getKey().startsWith("//")) {
                common.put(p.getKey(), p.getValue().isTextual() ? p.getValue().textValue() : p.getValue().toString());
            }
        });

        // 1. The scaler's parser on each entry, with what the stack provides filled in.
        ArrayNode filled = Json.MAPPER.createArrayNode();
        int index = 0;
        for (JsonNode entry : root.path("environments")) {
            String where = shown + " environments[" + index + "]";
            if (entry.isObject()) {
                ObjectNode copy = entry.deepCopy();
                for (String key : SET_BY_THE_STACK) {
                    if (entry.has(key)) {
                        problems.add(where + ": " + key + " is set by environment.yaml when local mode deploys it; "
                                + "remove it");
                        copy.remove(key);
                    }
                }
                String name = entry.path("name").asText("x");
                copy.put("cluster", "glfs-" + name);
                copy.put("taskDefinition", "glfs-" + name + "-runner");
                copy.putArray("subnets").add("subnet-00000000");
                copy.putArray("securityGroups").add("sg-00000000");
                filled.add(copy);
            } else {
                filled.add(entry);
            }
            index++;
        }
        try {
            EnvironmentParser.parseArray(filled.toString(), shown + " environments");
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }

        // 2. What CloudFormation would check, and 3. the parser on what the stack registers.
        List<Entry> entries = new ArrayList<>();
        index = 0;
        for (JsonNode entry : root.path("environments")) {
            String role = entry.path("assumeRole").path("roleArn").asText(null);
            Entry e = new Entry(index, entry.path("name").asText(), parameters(entry, common),
                    role == null ? null : dev.fargatescaler.domain.environment.AccountAccess.accountOfArn(role)
                            .orElse(null));
            String where = shown + " environments[" + index + "] (" + e.name() + ")";
            if (role != null && !role.equals(e.controlRoleArn())) {
                problems.add(where + ": assumeRole.roleArn must be " + e.controlRoleArn()
                        + ", the role environment.yaml creates in cross-account mode");
            }
            for (String problem : stacks.check(e)) {
                problems.add(where + ": " + problem);
            }
            entries.add(e);
            index++;
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new LocalEnvironments(file, Map.copyOf(common), List.copyOf(entries));
    }

    /** The entry as environment.yaml parameters (over the file's common ones). */
    static Map<String, String> parameters(JsonNode entry, Map<String, String> common) {
        Map<String, String> p = new LinkedHashMap<>(common);
        p.put("EnvironmentName", entry.path("name").asText());
        List<String> tags = new ArrayList<>();
        entry.path("tags").forEach(t -> tags.add(t.asText()));
        p.put("RunnerTags", String.join(",", tags));
        p.put("RunUntagged", Boolean.toString(entry.path("runUntagged").asBoolean(false)));
        copy(entry, "priority", "Priority", p);
        copy(entry, "maxConcurrentTasks", "MaxConcurrentTasks", p);
        copy(entry, "maxTaskLifetime", "MaxTaskLifetime", p);
        copy(entry, "stuckBeforeRunningTimeout", "StuckBeforeRunningTimeout", p);
        if (entry.has("guards") && !entry.get("guards").isNull()) {
            p.put("Guards", entry.get("guards").toString());
        }
        if (entry.has("sizeClasses") && !entry.get("sizeClasses").isNull()) {
            p.put("SizeClasses", entry.get("sizeClasses").toString());
        }
        if (entry.has("warmPool") && !entry.get("warmPool").isNull()) {
            p.put("WarmPool", entry.get("warmPool").toString());
        }
        JsonNode launch = entry.path("launchMode");
        if (launch.isObject()) {
            copy(launch, "type", "LaunchType", p);
            copy(launch, "spotFallbackToOnDemand", "SpotFallbackToOnDemand", p);
            if (launch.has("strategy")) {
                // environment.yaml has no parameter for a strategy: its check reports the unknown parameter.
                p.put("LaunchModeStrategy", launch.get("strategy").toString());
            }
        }
        // assumeRole: the stack is deployed in the role's account in cross-account mode (EnvironmentStacks sets
        // ControlPlaneAccountId and ControlPlaneRoleArns, which only the control plane's deployment knows).
        if (entry.path("assumeRole").hasNonNull("externalId")) {
            p.put("ExternalId", entry.path("assumeRole").get("externalId").asText());
        }
        JsonNode cost = entry.path("cost");
        copy(cost, "cpu", "Cpu", p);
        copy(cost, "memoryMiB", "Memory", p);
        if (cost.hasNonNull("architecture")) {
            p.put("CpuArchitecture", cost.get("architecture").asText().toUpperCase(java.util.Locale.ROOT));
        }
        return p;
    }

    private static void copy(JsonNode from, String field, String parameter, Map<String, String> to) {
        if (from.hasNonNull(field)) {
            to.put(parameter, from.get(field).asText());
        }
    }
}
