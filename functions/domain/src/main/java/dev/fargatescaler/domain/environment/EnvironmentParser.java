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
import java.util.regex.PatternSyntaxException;

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
    private static final Set<String> LAUNCH_MODE_KEYS = Set.of("type", "strategy", "spotFallbackToOnDemand");
    private static final Set<String> STRATEGY_KEYS = Set.of("capacityProvider", "base", "weight");
    private static final Set<String> GUARD_KEYS = Set.of("projectIds", "projectPaths", "refPattern");
    private static final Set<String> COST_KEYS = Set.of("cpu", "memoryMiB", "architecture");
    private static final Set<String> ASSUME_ROLE_KEYS = Set.of("roleArn", "externalId");

    private static final Pattern CLUSTER = Pattern.compile(
            "[A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}");
    private static final Pattern TASK_DEFINITION = Pattern.compile(
            "[A-Za-z0-9_-]{1,255}(:[1-9][0-9]{0,9})?"
                    + "|arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]{1,255}(:[1-9][0-9]{0,9})?");
    private static final Pattern CONTAINER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");
    private static final Pattern SECURITY_GROUP = Pattern.compile("sg-[0-9a-f]{8,17}");
    private static final Pattern PLATFORM_VERSION = Pattern.compile("LATEST|[0-9]+\\.[0-9]+\\.[0-9]+");
    private static final Pattern CAPACITY_PROVIDER = Pattern.compile("[A-Za-z0-9_-]{1,255}");
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
            unknownKeys(node, KEYS, "");
            if (name == null) {
                problem("name is required (a string)");
            } else if (!TaskNaming.ENVIRONMENT_NAME.matcher(name).matches()) {
                problem("name \"" + name + "\" must match " + TaskNaming.ENVIRONMENT_NAME.pattern()
                        + " (lower-case letters, digits and '-', at most 20 characters)");
            }
            Set<String> tags = tags(node.get("tags"));
            boolean runUntagged = bool(node, "runUntagged", false);
            if (tags.isEmpty() && !runUntagged) {
                problem("serves no job: give it tags, or set runUntagged to true");
            }
            int priority = integer(node, "priority", 0, -1000, 1000);
            String cluster = string(node, "cluster", null, CLUSTER, "an ECS cluster name or ARN");
            String taskDefinition = string(node, "taskDefinition", null, TASK_DEFINITION,
                    "a task definition family, family:revision or ARN");
            String containerName = string(node, "containerName", DEFAULT_CONTAINER_NAME, CONTAINER_NAME,
                    "a container name (letters, digits, '-' and '_')");
            List<String> subnets = ids(node, "subnets", SUBNET, 16);
            List<String> securityGroups = ids(node, "securityGroups", SECURITY_GROUP, 5);
            boolean assignPublicIp = bool(node, "assignPublicIp", false);
            LaunchMode launchMode = launchMode(node.get("launchMode"));
            String platformVersion = string(node, "platformVersion", null, PLATFORM_VERSION,
                    "LATEST or a version such as 1.4.0");
            int maxConcurrent = integer(node, "maxConcurrentTasks", DEFAULT_MAX_CONCURRENT_TASKS, 1, 10_000);
            Duration lifetime = duration(node, "maxTaskLifetime", DEFAULT_MAX_TASK_LIFETIME);
            Duration stuck = duration(node, "stuckBeforeRunningTimeout", DEFAULT_STUCK_BEFORE_RUNNING_TIMEOUT);
            if (lifetime != null && stuck != null && stuck.compareTo(lifetime) >= 0) {
                problem("stuckBeforeRunningTimeout (" + stuck + ") must be shorter than maxTaskLifetime ("
                        + lifetime + ")");
            }
            Guards guards = guards(node.get("guards"));
            CostHints cost = cost(node.get("cost"));
            AccountAccess account = assumeRole(node.get("assumeRole"), cluster, taskDefinition);
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

        private void unknownKeys(JsonNode node, Set<String> known, String prefix) {
            node.fieldNames().forEachRemaining(key -> {
                if (!known.contains(key)) {
                    problem("unknown key \"" + prefix + key + "\" (known: " + String.join(", ",
                            known.stream().sorted().toList()) + ")");
                }
            });
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

        private boolean bool(JsonNode node, String field, boolean defaultValue) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return defaultValue;
            }
            if (!value.isBoolean()) {
                problem(field + " must be true or false, got " + value);
                return defaultValue;
            }
            return value.booleanValue();
        }

        private int integer(JsonNode node, String field, int defaultValue, int min, int max) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return defaultValue;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min
                    || value.intValue() > max) {
                problem(field + " must be an integer from " + min + " to " + max + ", got " + value);
                return defaultValue;
            }
            return value.intValue();
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

        private LaunchMode launchMode(JsonNode node) {
            if (node == null || node.isNull()) {
                return LaunchMode.fargate();
            }
            if (!node.isObject()) {
                problem("launchMode must be an object such as {\"type\": \"FARGATE_SPOT\"}");
                return LaunchMode.fargate();
            }
            unknownKeys(node, LAUNCH_MODE_KEYS, "launchMode.");
            LaunchMode.Type type;
            try {
                type = LaunchMode.Type.valueOf(node.path("type").asText(""));
            } catch (IllegalArgumentException e) {
                problem("launchMode.type must be FARGATE, FARGATE_SPOT or CAPACITY_PROVIDER_STRATEGY, got "
                        + node.get("type"));
                return LaunchMode.fargate();
            }
            boolean fallback = bool(node, "spotFallbackToOnDemand", false);
            JsonNode strategy = node.get("strategy");
            List<LaunchMode.CapacityProviderShare> shares = new ArrayList<>();
            if (type != LaunchMode.Type.CAPACITY_PROVIDER_STRATEGY) {
                if (strategy != null && !strategy.isNull()) {
                    problem("launchMode.strategy is only allowed with type CAPACITY_PROVIDER_STRATEGY");
                }
            } else if (strategy == null || !strategy.isArray() || strategy.isEmpty() || strategy.size() > 6) {
                problem("launchMode.strategy must be an array of 1 to 6 {capacityProvider, base, weight} entries");
            } else {
                int withBase = 0;
                int totalWeight = 0;
                Set<String> providers = new LinkedHashSet<>();
                for (JsonNode entry : strategy) {
                    if (!entry.isObject()) {
                        problem("launchMode.strategy entries must be objects");
                        continue;
                    }
                    unknownKeys(entry, STRATEGY_KEYS, "launchMode.strategy[].");
                    String provider = entry.path("capacityProvider").asText("");
                    if (!CAPACITY_PROVIDER.matcher(provider).matches()) {
                        problem("launchMode.strategy[].capacityProvider must be a capacity provider name, got "
                                + entry.get("capacityProvider"));
                    } else if (!providers.add(provider)) {
                        problem("launchMode.strategy lists capacity provider " + provider + " twice");
                    }
                    int base = integer(entry, "base", 0, 0, 100_000);
                    int weight = integer(entry, "weight", 1, 0, 1000);
                    if (base > 0) {
                        withBase++;
                    }
                    totalWeight += weight;
                    shares.add(new LaunchMode.CapacityProviderShare(provider, base, weight));
                }
                if (withBase > 1) {
                    problem("launchMode.strategy: only one capacity provider may have a base (an ECS rule)");
                }
                if (totalWeight == 0) {
                    problem("launchMode.strategy: at least one capacity provider needs a weight above 0");
                }
            }
            return new LaunchMode(type, shares, fallback);
        }

        private Guards guards(JsonNode node) {
            if (node == null || node.isNull()) {
                return Guards.NONE;
            }
            if (!node.isObject()) {
                problem("guards must be an object");
                return Guards.NONE;
            }
            unknownKeys(node, GUARD_KEYS, "guards.");
            Set<Long> ids = new LinkedHashSet<>();
            JsonNode idNode = node.get("projectIds");
            if (idNode != null && !idNode.isNull()) {
                if (!idNode.isArray()) {
                    problem("guards.projectIds must be an array of project ids");
                } else {
                    for (JsonNode id : idNode) {
                        if (!id.isIntegralNumber() || !id.canConvertToLong() || id.longValue() <= 0) {
                            problem("guards.projectIds: " + id + " is not a project id (a positive integer)");
                        } else {
                            ids.add(id.longValue());
                        }
                    }
                }
            }
            Set<String> paths = new LinkedHashSet<>();
            JsonNode pathNode = node.get("projectPaths");
            if (pathNode != null && !pathNode.isNull()) {
                if (!pathNode.isArray()) {
                    problem("guards.projectPaths must be an array of project paths");
                } else {
                    for (JsonNode path : pathNode) {
                        String text = path.isTextual() ? path.textValue() : "";
                        if (text.isBlank() || text.startsWith("/") || text.contains(" ")
                                || text.equals("*") || text.equals("/*")) {
                            problem("guards.projectPaths: " + path + " is not a project path such as "
                                    + "\"group/app\" or a namespace such as \"group/*\"");
                        } else {
                            paths.add(text);
                        }
                    }
                }
            }
            Pattern ref = null;
            JsonNode refNode = node.get("refPattern");
            if (refNode != null && !refNode.isNull()) {
                try {
                    if (!refNode.isTextual() || refNode.textValue().isEmpty()) {
                        throw new PatternSyntaxException("must be a non-empty string", refNode.toString(), -1);
                    }
                    ref = Pattern.compile(refNode.textValue());
                } catch (PatternSyntaxException e) {
                    problem("guards.refPattern is not a valid regular expression: " + e.getDescription());
                }
            }
            return new Guards(ids, paths, ref);
        }

        private CostHints cost(JsonNode node) {
            if (node == null || node.isNull()) {
                return CostHints.NONE;
            }
            if (!node.isObject()) {
                problem("cost must be an object");
                return CostHints.NONE;
            }
            unknownKeys(node, COST_KEYS, "cost.");
            Integer cpu = node.hasNonNull("cpu") ? integer(node, "cpu", 0, 256, 16_384) : null;
            Integer memory = node.hasNonNull("memoryMiB") ? integer(node, "memoryMiB", 0, 512, 122_880) : null;
            String architecture = null;
            if (node.hasNonNull("architecture")) {
                architecture = node.get("architecture").asText();
                if (!architecture.equals("X86_64") && !architecture.equals("ARM64")) {
                    problem("cost.architecture must be X86_64 or ARM64, got " + node.get("architecture"));
                }
            }
            return new CostHints(cpu, memory, architecture);
        }

        /**
         * {@code assumeRole}: the environment's cluster is in another account, reached through this role. A cluster
         * or task definition given as an ARN must then be in the role's account: ECS calls made with the role's
         * credentials see only that account's resources.
         */
        private AccountAccess assumeRole(JsonNode node, String cluster, String taskDefinition) {
            if (node == null || node.isNull()) {
                return AccountAccess.OWN;
            }
            if (!node.isObject()) {
                problem("assumeRole must be an object such as {\"roleArn\": \"arn:aws:iam::111122223333:role/name\"}");
                return AccountAccess.OWN;
            }
            unknownKeys(node, ASSUME_ROLE_KEYS, "assumeRole.");
            JsonNode roleNode = node.get("roleArn");
            String role = null;
            if (roleNode == null || roleNode.isNull()) {
                problem("assumeRole.roleArn is required (an IAM role ARN such as "
                        + "arn:aws:iam::111122223333:role/glfs-production-control)");
            } else if (!roleNode.isTextual() || roleNode.textValue().length() > 2048
                    || !AccountAccess.ROLE_ARN.matcher(roleNode.textValue()).matches()) {
                problem("assumeRole.roleArn must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>), got "
                        + roleNode);
            } else {
                role = roleNode.textValue();
            }
            JsonNode idNode = node.get("externalId");
            String externalId = null;
            if (idNode != null && !idNode.isNull()) {
                if (!idNode.isTextual() || !AccountAccess.EXTERNAL_ID.matcher(idNode.textValue()).matches()) {
                    // The value itself is not repeated: it is the role's confused-deputy guard.
                    problem("assumeRole.externalId must be 2 to 1224 characters of letters, digits and "
                            + "_+=,.@:/- (STS AssumeRole's ExternalId)");
                } else {
                    externalId = idNode.textValue();
                }
            }
            if (role == null) {
                return AccountAccess.OWN;
            }
            AccountAccess access = new AccountAccess(role, externalId);
            String account = access.accountId().orElseThrow();
            for (String arn : new String[] {cluster, taskDefinition}) {
                AccountAccess.accountOfArn(arn).filter(a -> !a.equals(account)).ifPresent(a -> problem(
                        (arn.equals(cluster) ? "cluster" : "taskDefinition") + " " + arn + " is in account " + a
                                + ", but assumeRole.roleArn is in account " + account
                                + ": the role's credentials reach only its own account"));
            }
            return access;
        }
    }
}
