package dev.fargatescaler.domain.environment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.task.TaskNaming;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads environment definitions from JSON (the format is documented in {@code docs/configuration.md}) and
 * validates them, collecting EVERY problem of every environment before failing, so that an operator fixes a
 * configuration in one pass. Unknown keys are problems too: a misspelt {@code maxConcurentTasks} must not
 * silently fall back to a default.
 */
public final class EnvironmentParser {

    public static final int DEFAULT_MAX_CONCURRENT_TASKS = 10;
    public static final Duration DEFAULT_MAX_TASK_LIFETIME = Duration.ofHours(3);
    public static final Duration DEFAULT_STUCK_BEFORE_RUNNING_TIMEOUT = Duration.ofMinutes(10);
    public static final String DEFAULT_CONTAINER_NAME = "runner";

    private static final Set<String> KEYS = Set.of("name", "tags", "runUntagged", "priority", "cluster",
            "taskDefinition", "containerName", "subnets", "securityGroups", "assignPublicIp", "launchMode",
            "platformVersion", "maxConcurrentTasks", "maxTaskLifetime", "stuckBeforeRunningTimeout", "guards",
            "cost", "assumeRole", "sizeClasses", "warmPool");

    private static final Pattern CLUSTER = Pattern.compile(
            "[A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}");
    private static final Pattern TASK_DEFINITION = Pattern.compile(
            "[A-Za-z0-9_-]{1,255}(:[1-9][0-9]{0,9})?"
                    + "|arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]{1,255}(:[1-9][0-9]{0,9})?");
    private static final Pattern CONTAINER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");
    private static final Pattern SECURITY_GROUP = Pattern.compile("sg-[0-9a-f]{8,17}");
    private static final Pattern PLATFORM_VERSION = Pattern.compile("LATEST|[0-9]+\\.[0-9]+\\.[0-9]+");
    /** GitLab tag names: no commas (the tag-list separator), no surrounding blanks. */
    static final Pattern TAG = Pattern.compile("[^,\\s](?:[^,]{0,253}[^,\\s])?");
    private static final Duration MAX_LIFETIME = Duration.ofDays(14);

    private EnvironmentParser() {
    }

    /**
     * Parses a JSON array of environments.
     *
     * @param source where the JSON came from, for problem messages (for example {@code ENVIRONMENTS})
     * @throws ConfigurationException listing every problem found
     */
    public static Environments parseArray(String json, String source) {
        JsonNode root = readTree(json, source);
        if (!root.isArray()) {
            throw new ConfigurationException(List.of(source + ": must be a JSON array of environments"));
        }
        List<Document> documents = new ArrayList<>();
        int index = 0;
        for (JsonNode node : root) {
            documents.add(new Document(source + "[" + index++ + "]", node));
        }
        return parse(documents);
    }

    /**
     * Parses several single-environment JSON documents (for example one SSM parameter each), in the given
     * order.
     *
     * @param documents source name to JSON text, in configured order
     * @throws ConfigurationException listing every problem found
     */
    public static Environments parseDocuments(Map<String, String> documents) {
        List<Document> parsed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> entry : documents.entrySet()) {
            try {
                parsed.add(new Document(entry.getKey(), readTree(entry.getValue(), entry.getKey())));
            } catch (ConfigurationException e) {
                problems.addAll(e.problems());
            }
        }
        try {
            Environments environments = parse(parsed);
            if (problems.isEmpty()) {
                return environments;
            }
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        throw new ConfigurationException(problems);
    }

    private record Document(String source, JsonNode node) {
    }

    private static Environments parse(List<Document> documents) {
        List<String> problems = new ArrayList<>();
        List<Environment> environments = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        if (documents.isEmpty()) {
            problems.add("no environment is configured: at least one is required");
        }
        for (Document document : documents) {
            Reader reader = new Reader(document.source(), problems);
            Environment environment = reader.environment(document.node());
            String name = document.node().path("name").asText(null);
            if (name != null) {
                String earlier = seen.putIfAbsent(name, document.source());
                if (earlier != null) {
                    problems.add(document.source() + ": environment name \"" + name + "\" is already used by "
                            + earlier);
                }
            }
            if (environment != null) {
                environments.add(environment);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new Environments(environments);
    }

    private static JsonNode readTree(String json, String source) {
        if (json == null || json.isBlank()) {
            throw new ConfigurationException(List.of(source + ": is empty"));
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException(List.of(source + ": is not valid JSON (" + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                    + ")"));
        }
    }

    /** Reads one environment object, adding a problem for each invalid field and returning null if any. */
    private static final class Reader {
        private final String source;
        private final List<String> problems;
        private final int problemsBefore;
        private String label;
        private final ConfigFields fields = new ConfigFields(this::problem);

        Reader(String source, List<String> problems) {
            this.source = source;
            this.problems = problems;
            this.problemsBefore = problems.size();
            this.label = source;
        }

        Environment environment(JsonNode node) {
            if (!node.isObject()) {
                problem("must be a JSON object");
                return null;
            }
            String name = node.path("name").isTextual() ? node.get("name").textValue() : null;
            if (name != null) {
                label = "environment \"" + name + "\" (" + source + ")";
            }
            fields.unknownKeys(node, KEYS, "");
            if (name == null) {
                problem("name is required (a string)");
            } else if (!TaskNaming.ENVIRONMENT_NAME.matcher(name).matches()) {
                problem("name \"" + name + "\" must match " + TaskNaming.ENVIRONMENT_NAME.pattern()
                        + " (lower-case letters, digits and '-', at most 20 characters)");
            }
            Set<String> tags = tags(node.get("tags"));
            boolean runUntagged = fields.bool(node, "runUntagged", false);
            if (tags.isEmpty() && !runUntagged) {
                problem("serves no job: give it tags, or set runUntagged to true");
            }
            int priority = fields.integer(node, "priority", 0, -1000, 1000);
            String cluster = string(node, "cluster", null, CLUSTER, "an ECS cluster name or ARN");
            String taskDefinition = string(node, "taskDefinition", null, TASK_DEFINITION,
                    "a task definition family, family:revision or ARN");
            String containerName = string(node, "containerName", DEFAULT_CONTAINER_NAME, CONTAINER_NAME,
                    "a container name (letters, digits, '-' and '_')");
            List<String> subnets = ids(node, "subnets", SUBNET, 16);
            List<String> securityGroups = ids(node, "securityGroups", SECURITY_GROUP, 5);
            boolean assignPublicIp = fields.bool(node, "assignPublicIp", false);
            LaunchMode launchMode = LaunchModeParser.parse(node.get("launchMode"), fields);
            String platformVersion = string(node, "platformVersion", null, PLATFORM_VERSION,
                    "LATEST or a version such as 1.4.0");
            int maxConcurrent = fields.integer(node, "maxConcurrentTasks", DEFAULT_MAX_CONCURRENT_TASKS, 1, 10_000);
            Duration lifetime = duration(node, "maxTaskLifetime", DEFAULT_MAX_TASK_LIFETIME);
            Duration stuck = duration(node, "stuckBeforeRunningTimeout", DEFAULT_STUCK_BEFORE_RUNNING_TIMEOUT);
            if (lifetime != null && stuck != null && stuck.compareTo(lifetime) >= 0) {
                problem("stuckBeforeRunningTimeout (" + stuck + ") must be shorter than maxTaskLifetime ("
                        + lifetime + ")");
            }
            Guards guards = GuardsParser.parse(node.get("guards"), fields);
            CostHints cost = CostHintsParser.parse(node.get("cost"), fields);
            AccountAccess account = AssumeRoleParser.parse(node.get("assumeRole"), cluster, taskDefinition, fields);
            List<SizeClass> sizeClasses = SizeClassParser.parse(node.get("sizeClasses"), tags, platformVersion,
                    this::problem);
            WarmPool warmPool = WarmPoolParser.parse(node.get("warmPool"), maxConcurrent, lifetime, this::problem);
            if (problems.size() > problemsBefore) {
                return null;
            }
            return new Environment(name, tags, runUntagged, priority, cluster, taskDefinition, containerName,
                    subnets, securityGroups, assignPublicIp, launchMode, platformVersion, maxConcurrent, lifetime,
                    stuck, guards, cost, account, sizeClasses, warmPool);
        }

        private void problem(String what) {
            problems.add(label + ": " + what);
        }

        private Set<String> tags(JsonNode node) {
            Set<String> tags = new LinkedHashSet<>();
            if (node == null || node.isNull()) {
                return tags;
            }
            if (!node.isArray()) {
                problem("tags must be an array of strings");
                return tags;
            }
            for (JsonNode tag : node) {
                if (!tag.isTextual() || !TAG.matcher(tag.textValue()).matches()) {
                    problem("tag " + tag + " is not a valid GitLab tag (a non-empty string without commas or "
                            + "surrounding blanks)");
                } else if (!tags.add(tag.textValue())) {
                    problem("tag \"" + tag.textValue() + "\" is listed twice");
                }
            }
            return tags;
        }

        private String string(JsonNode node, String field, String defaultValue, Pattern pattern, String expected) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                if (defaultValue == null && (field.equals("cluster") || field.equals("taskDefinition"))) {
                    problem(field + " is required (" + expected + ")");
                }
                return defaultValue;
            }
            if (!value.isTextual() || !pattern.matcher(value.textValue()).matches()) {
                problem(field + " must be " + expected + ", got " + value);
                return defaultValue;
            }
            return value.textValue();
        }

        private List<String> ids(JsonNode node, String field, Pattern pattern, int max) {
            JsonNode value = node.get(field);
            List<String> ids = new ArrayList<>();
            if (value == null || !value.isArray() || value.isEmpty()) {
                problem(field + " is required: a non-empty array of ids");
                return ids;
            }
            if (value.size() > max) {
                problem(field + " may list at most " + max + " ids (an ECS limit), got " + value.size());
            }
            for (JsonNode id : value) {
                if (!id.isTextual() || !pattern.matcher(id.textValue()).matches()) {
                    problem(field + ": " + id + " is not a valid id (expected " + pattern.pattern() + ")");
                } else if (ids.contains(id.textValue())) {
                    problem(field + ": " + id + " is listed twice");
                } else {
                    ids.add(id.textValue());
                }
            }
            return ids;
        }

        private Duration duration(JsonNode node, String field, Duration defaultValue) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return defaultValue;
            }
            try {
                Duration duration = Duration.parse(value.asText());
                if (!value.isTextual() || duration.isNegative() || duration.isZero()
                        || duration.compareTo(MAX_LIFETIME) > 0) {
                    throw new DateTimeParseException("out of range", value.asText(), 0);
                }
                return duration;
            } catch (DateTimeParseException e) {
                problem(field + " must be an ISO-8601 duration between PT1S and P14D (e.g. \"PT3H\" or "
                        + "\"PT10M\"), got " + value);
                return null;
            }
        }
    }
}
