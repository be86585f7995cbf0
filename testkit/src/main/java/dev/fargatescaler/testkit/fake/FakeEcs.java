package dev.fargatescaler.testkit.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * An in-memory Amazon ECS that speaks the real wire protocol (JSON 1.1, {@code X-Amz-Target}), plugged into the
 * real AWS SDK as its {@link SdkHttpClient}. Marshalling, signing, retries and error unmarshalling all run for
 * real; only the service is simulated. It injects the faults real ECS shows and moto cannot: throttling
 * ({@code ThrottlingException}), server errors (HTTP 500 {@code ServerException}) and capacity shortages (a 200
 * response with a {@code failures[]} entry and no task). Deterministic for a seed.
 *
 * <p>Implements RunTask (with optional {@code clientToken} idempotency, as real ECS does), ListTasks (by
 * cluster, {@code startedBy}, {@code desiredStatus}), DescribeTasks and StopTask.
 *
 * <p><b>RunTask idempotency</b>, as the ECS "Ensuring idempotency" page describes it
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html#RunTaskIdempotency):
 * <ul>
 *   <li>a token is scoped to its cluster ("requests with the same token in the same cluster are idempotent");</li>
 *   <li>the same token with the same parameters returns "the result of the original request": the original
 *       task(s), however long ago they stopped ({@link ReusedTokenAnswer} chooses whether the tasks are shown as
 *       they were then or as they are now: the page does not say which, so tests cover both);</li>
 *   <li>the same token with different parameters fails with {@code ConflictException} (HTTP 400), whose
 *       {@code resourceIds} are the original tasks (RunTask API reference, Errors:
 *       https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html#API_RunTask_Errors);</li>
 *   <li>a token lives 24 hours at most, and no longer than one hour after its task stopped (the page's TTL
 *       section; REFERENCE.md: min(24 h, task lifetime + 1 h)); after that, the token starts a new task.</li>
 * </ul>
 * <p><b>Task size overrides</b> ({@code overrides.cpu}, {@code overrides.memory}, {@code overrides.ephemeralStorage},
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskOverride.html): kept on the task and returned
 * in its {@code overrides} as real ECS does (API_Task: {@code overrides} is the task's TaskOverride), and part of the
 * parameters a client token is compared with. A CPU/memory pair outside Fargate's table
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size,
 * Linux; written out here on its own, not taken from the product's table) or an ephemeral storage outside 21 to
 * 200 GiB (API_EphemeralStorage) is refused with {@code ClientException} "No Fargate configuration exists for given
 * values" (HTTP 400). That answer is what ECS gives RegisterTaskDefinition for an invalid size (its troubleshooting
 * page, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html); AWS does not document
 * RunTask's answer to an invalid override, so the fake assumes the same. A lone cpu or memory override is not
 * checked (the fake does not model task definitions' sizes).
 *
 * With {@code honourClientToken=false} the fake ignores tokens, like moto_server 5.2.1 (its
 * {@code EC2ContainerServiceBackend.run_task} in moto/ecs/models.py takes no client token): for tests that
 * must hold on moto too. Time comes from the given {@link Clock} (tasks' {@code createdAt}, the token window).
 */
public final class FakeEcs implements SdkHttpClient {

    /** How a reused token's original tasks are shown: as RunTask first returned them, or as they are now. */
    public enum ReusedTokenAnswer { ORIGINAL_RESPONSE, CURRENT_STATE }

    /** A RunTask token ECS remembers: its tasks, the request it came with (token left out), when, how shown then. */
    private record TokenUse(List<String> arns, JsonNode parameters, Instant usedAt, List<ObjectNode> response) {
    }

    /** How long ECS keeps a RunTask client token at most, and after its task stopped (see the class comment). */
    public static final Duration TOKEN_TTL = Duration.ofHours(24);
    public static final Duration TOKEN_TTL_AFTER_STOP = Duration.ofHours(1);

    /** Fault rates, each between 0 and 1, applied per call. */
    public record Faults(double throttling, double serverError, double capacity) {
        public static final Faults NONE = new Faults(0, 0, 0);
    }

    /** One simulated task. */
    public static final class Task {
        public final String arn;
        public final String cluster;
        public final String taskDefinition;
        public final String startedBy;
        public final String group;
        public final String capacityProvider;
        public final JsonNode request;
        public final Instant createdAt;
        public volatile String lastStatus = "PROVISIONING";
        public volatile String desiredStatus = "RUNNING";
        public volatile Instant stoppedAt;

        Task(String arn, String cluster, String taskDefinition, String startedBy, String group,
             String capacityProvider, JsonNode request, Instant createdAt) {
            this.arn = arn;
            this.cluster = cluster;
            this.taskDefinition = taskDefinition;
            this.startedBy = startedBy;
            this.group = group;
            this.capacityProvider = capacityProvider;
            this.request = request;
            this.createdAt = createdAt;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "AmazonEC2ContainerServiceV20141113.";

    private final Random random;
    private volatile Faults faults;
    private final boolean honourClientToken;
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Map<String, TokenUse> tokens = new LinkedHashMap<>();
    private final Clock clock;
    private volatile ReusedTokenAnswer reusedTokenAnswer = ReusedTokenAnswer.ORIGINAL_RESPONSE;
    private final Map<String, AtomicInteger> calls = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> injected = new LinkedHashMap<>();

    /**
     * @param honourClientToken true to deduplicate RunTask by clientToken like real ECS; false to behave like
     *                          moto (which ignores it), to prove the scaler does not depend on it
     */
    public FakeEcs(long seed, Faults faults, boolean honourClientToken) {
        this(seed, faults, honourClientToken, Clock.systemUTC());
    }

    public FakeEcs(long seed, Faults faults, boolean honourClientToken, Clock clock) {
        this.random = new Random(seed);
        this.faults = faults;
        this.honourClientToken = honourClientToken;
        this.clock = clock;
    }

    public void reusedTokenAnswer(ReusedTokenAnswer answer) {
        this.reusedTokenAnswer = answer;
    }

    public void faults(Faults faults) {
        this.faults = faults;
    }

    public synchronized List<Task> tasks() {
        return List.copyOf(tasks.values());
    }

    public synchronized int calls(String operation) {
        return calls.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** How many faults of a kind were injected: {@code Throttling}, {@code ServerError}, {@code Capacity}. */
    public synchronized int injected(String kind) {
        return injected.getOrDefault(kind, new AtomicInteger()).get();
    }

    /** Marks a task as stopped, as ECS would when its runner exits. */
    public synchronized void stop(String taskArn) {
        Task task = tasks.get(taskArn);
        if (task != null) {
            markStopped(task);
        }
    }

    private void markStopped(Task task) {
        task.lastStatus = "STOPPED";
        task.desiredStatus = "STOPPED";
        if (task.stoppedAt == null) {
            task.stoppedAt = clock.instant();
        }
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return AwsJsonWire.answering(request, call -> handle(call.operation(PREFIX), call.body()));
    }

    private synchronized HttpExecuteResponse handle(String operation, byte[] body) {
        calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        JsonNode request;
        try {
            request = JSON.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
        } catch (IOException e) {
            return error(400, "SerializationException", "bad body");
        }
        double roll = random.nextDouble();
        if (roll < faults.throttling()) {
            count("Throttling");
            return error(400, "ThrottlingException", "Rate exceeded");
        }
        if (roll < faults.throttling() + faults.serverError()) {
            count("ServerError");
            return error(500, "ServerException", "Service unavailable. Please try again later.");
        }
        return switch (operation) {
            case "RunTask" -> runTask(request);
            case "ListTasks" -> listTasks(request);
            case "DescribeTasks" -> describeTasks(request);
            case "StopTask" -> stopTask(request);
            default -> error(400, "InvalidParameterException", "FakeEcs does not implement " + operation);
        };
    }

    private void count(String kind) {
        injected.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    private HttpExecuteResponse runTask(JsonNode request) {
        String cluster = clusterArn(request.path("cluster").asText("default"));
        String clientToken = request.path("clientToken").asText(null);
        String tokenKey = cluster + "|" + clientToken;
        ObjectNode parameters = request.deepCopy();
        parameters.remove("clientToken");
        if (honourClientToken && clientToken != null && tokens.containsKey(tokenKey)) {
            TokenUse use = tokens.get(tokenKey);
            if (clock.instant().isBefore(expiry(use))) {
                if (!use.parameters().equals(parameters)) {
                    ObjectNode conflict = JSON.createObjectNode().put("__type", "ConflictException")
                            .put("message", "The RunTask request could not be processed due to conflicts. The "
                                    + "provided clientToken is already in use with a different RunTask request.");
                    ArrayNode ids = conflict.putArray("resourceIds");
                    use.arns().forEach(ids::add);
                    return response(400, conflict);
                }
                ObjectNode response = JSON.createObjectNode();
                ArrayNode list = response.putArray("tasks");
                if (reusedTokenAnswer == ReusedTokenAnswer.ORIGINAL_RESPONSE) {
                    use.response().forEach(list::add);
                } else {
                    use.arns().forEach(arn -> list.add(describe(tasks.get(arn))));
                }
                response.putArray("failures");
                return ok(response);
            }
            tokens.remove(tokenKey);
        }
        String invalidSize = invalidSize(request.path("overrides"));
        if (invalidSize != null) {
            return error(400, "ClientException", "No Fargate configuration exists for given values: " + invalidSize);
        }
        if (random.nextDouble() < faults.capacity()) {
            count("Capacity");
            ObjectNode response = JSON.createObjectNode();
            response.putArray("tasks");
            response.putArray("failures").addObject()
                    .put("arn", cluster)
                    .put("reason", "Capacity is unavailable at this time. Please try again later or in a different "
                            + "availability zone");
            return ok(response);
        }
        int count = Math.max(1, request.path("count").asInt(1));
        String provider = request.path("capacityProviderStrategy").path(0).path("capacityProvider")
                .asText(request.path("launchType").asText("FARGATE"));
        ObjectNode response = JSON.createObjectNode();
        ArrayNode created = response.putArray("tasks");
        List<String> arns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.nameUUIDFromBytes((cluster + tasks.size() + random.nextLong()).getBytes(StandardCharsets.UTF_8))
                    .toString().replace("-", "");
            String clusterName = cluster.substring(cluster.lastIndexOf('/') + 1);
            String arn = "arn:aws:ecs:us-east-1:123456789012:task/" + clusterName + "/" + id;
            Task task = new Task(arn, cluster, request.path("taskDefinition").asText(),
                    request.path("startedBy").asText(null), request.path("group").asText(null), provider,
                    request, clock.instant());
            tasks.put(arn, task);
            arns.add(arn);
            created.add(describe(task));
        }
        if (clientToken != null) {
            List<ObjectNode> original = new ArrayList<>();
            created.forEach(t -> original.add(((ObjectNode) t).deepCopy()));
            tokens.put(tokenKey, new TokenUse(arns, parameters, clock.instant(), original));
        }
        response.putArray("failures");
        return ok(response);
    }

    /** Why Fargate would not run a task of the overridden size (see the class comment), or null. */
    private static String invalidSize(JsonNode overrides) {
        JsonNode storage = overrides.path("ephemeralStorage").path("sizeInGiB");
        if (!storage.isMissingNode() && (storage.asInt() < 21 || storage.asInt() > 200)) {
            return storage.asInt() + " GiB ephemeral storage";
        }
        if (!overrides.hasNonNull("cpu") || !overrides.hasNonNull("memory")) {
            return null;
        }
        int cpu;
        int memory;
        try {
            cpu = Integer.parseInt(overrides.get("cpu").asText());
            memory = Integer.parseInt(overrides.get("memory").asText());
        } catch (NumberFormatException e) {
            return overrides.get("cpu").asText() + " CPU, " + overrides.get("memory").asText() + " memory";
        }
        int gib = memory / 1024;
        boolean whole = memory % 1024 == 0;
        boolean valid = switch (cpu) {
            case 256 -> memory == 512 || memory == 1024 || memory == 2048;
            case 512 -> whole && gib >= 1 && gib <= 4;
            case 1024 -> whole && gib >= 2 && gib <= 8;
            case 2048 -> whole && gib >= 4 && gib <= 16;
            case 4096 -> whole && gib >= 8 && gib <= 30;
            case 8192 -> whole && gib >= 16 && gib <= 60 && gib % 4 == 0;
            case 16384 -> whole && gib >= 32 && gib <= 120 && gib % 8 == 0;
            default -> false;
        };
        return valid ? null : cpu + " CPU, " + memory + " memory";
    }

    /** When ECS forgets a token: 24 h after its use, or an hour after its last task stopped if that is sooner. */
    private Instant expiry(TokenUse use) {
        Instant expiry = use.usedAt().plus(TOKEN_TTL);
        Instant lastStop = null;
        for (String arn : use.arns()) {
            Task task = tasks.get(arn);
            if (task == null || task.stoppedAt == null) {
                return expiry;
            }
            lastStop = lastStop == null || task.stoppedAt.isAfter(lastStop) ? task.stoppedAt : lastStop;
        }
        Instant afterStop = lastStop == null ? expiry : lastStop.plus(TOKEN_TTL_AFTER_STOP);
        return afterStop.isBefore(expiry) ? afterStop : expiry;
    }

    private HttpExecuteResponse listTasks(JsonNode request) {
        String cluster = clusterArn(request.path("cluster").asText("default"));
        String startedBy = request.path("startedBy").asText(null);
        String desired = request.path("desiredStatus").asText("RUNNING");
        String family = request.path("family").asText(null);
        List<String> matching = tasks.values().stream()
                .filter(t -> t.cluster.equals(cluster))
                .filter(t -> startedBy == null || startedBy.equals(t.startedBy))
                .filter(t -> family == null || t.taskDefinition.contains(family))
                .filter(t -> desired.equals(t.desiredStatus))
                .map(t -> t.arn)
                .toList();
        int max = request.path("maxResults").asInt(100);
        int start = request.hasNonNull("nextToken") ? Integer.parseInt(request.get("nextToken").asText()) : 0;
        ObjectNode response = JSON.createObjectNode();
        ArrayNode arns = response.putArray("taskArns");
        matching.subList(Math.min(start, matching.size()), Math.min(start + max, matching.size())).forEach(arns::add);
        if (start + max < matching.size()) {
            response.put("nextToken", Integer.toString(start + max));
        }
        return ok(response);
    }

    private HttpExecuteResponse describeTasks(JsonNode request) {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode found = response.putArray("tasks");
        ArrayNode failures = response.putArray("failures");
        for (JsonNode arn : request.path("tasks")) {
            Optional.ofNullable(tasks.get(arn.asText())).ifPresentOrElse(t -> found.add(describe(t)),
                    () -> failures.addObject().put("arn", arn.asText()).put("reason", "MISSING"));
        }
        return ok(response);
    }

    private HttpExecuteResponse stopTask(JsonNode request) {
        Task task = tasks.get(request.path("task").asText());
        if (task == null) {
            return error(400, "InvalidParameterException", "The referenced task was not found.");
        }
        markStopped(task);
        ObjectNode response = JSON.createObjectNode();
        response.set("task", describe(task));
        return ok(response);
    }

    private static ObjectNode describe(Task task) {
        ObjectNode node = JSON.createObjectNode()
                .put("taskArn", task.arn)
                .put("clusterArn", task.cluster)
                .put("taskDefinitionArn", task.taskDefinition)
                .put("lastStatus", task.lastStatus)
                .put("desiredStatus", task.desiredStatus)
                .put("capacityProviderName", task.capacityProvider)
                .put("createdAt", task.createdAt.toEpochMilli() / 1000.0);
        if (task.stoppedAt != null) {
            node.put("stoppedAt", task.stoppedAt.toEpochMilli() / 1000.0);
        }
        if (task.startedBy != null) {
            node.put("startedBy", task.startedBy);
        }
        if (task.group != null) {
            node.put("group", task.group);
        }
        if (task.request.has("overrides")) {
            node.set("overrides", task.request.get("overrides"));
        }
        if (task.request.has("tags")) {
            node.set("tags", task.request.get("tags"));
        }
        return node;
    }

    private static String clusterArn(String cluster) {
        return cluster.startsWith("arn:") ? cluster : "arn:aws:ecs:us-east-1:123456789012:cluster/" + cluster;
    }

    private static HttpExecuteResponse ok(JsonNode body) {
        return response(200, body);
    }

    private static HttpExecuteResponse error(int status, String type, String message) {
        return AwsJsonWire.error(status, type, message, AwsJsonWire.JSON_1_1);
    }

    private static HttpExecuteResponse response(int status, JsonNode body) {
        return AwsJsonWire.answer(status, body, AwsJsonWire.JSON_1_1);
    }

    @Override
    public void close() {
    }

    @Override
    public String clientName() {
        return "FakeEcs";
    }
}
