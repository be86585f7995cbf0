package dev.fargatescaler.local.start;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.local.EnvVarsFile;
import dev.fargatescaler.local.LocalStack;
import dev.fargatescaler.local.aws.AwsTarget;
import dev.fargatescaler.local.runtime.FunctionWorker;
import dev.fargatescaler.shared.config.EnvironmentsLoader;
import dev.fargatescaler.testkit.MotoEcsFixture;
import dev.fargatescaler.testkit.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The whole pipeline on this machine (what {@code bin/local start} runs and {@code bin/local demo} checks):
 * moto_server (or the given endpoint, or the real account), the template's resources and the local
 * environments, the GitLab double (or a real GitLab), every function of the template in its own worker JVM,
 * and the event sources that drive them: API Gateway for the webhook, the SQS event source for the scaler,
 * ECS task state change events for the reporter, the schedule for the sweeper.
 */
public final class LocalPipeline implements AutoCloseable {

    /**
     * @param awsEndpoint  an emulator to use instead of starting moto_server; null to start one
     * @param realAws      run against the account of the usual credentials (nothing provisioned)
     * @param gitLabUrl    a real GitLab; null for the double fed by {@code local/gitlab-jobs.json}
     * @param ecsPoll      how often the clusters are polled for task state changes
     * @param sweepEvery   the sweeper's period; null for the template's schedule
     * @param taskStep     on the emulator, how long a task stays in each state (moto's time-based progression:
     *                     RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED); null keeps moto's default of
     *                     one step per DescribeTasks call
     */
    public record Options(Path root, int port, String awsEndpoint, boolean realAws, String gitLabUrl,
                          String gitLabToken, EnvVarsFile envVars, Map<String, String> parameters, Path logDir,
                          Duration ecsPoll, Duration sweepEvery, Duration taskStep) {
    }

    /** Secret names local mode uses for the GitLab API token (values in local/stack.json or from --gitlab-token). */
    static final String LOCAL_GITLAB_TOKEN_SECRET = "local/gitlab-api-token";
    static final String USER_GITLAB_TOKEN_SECRET = "local/gitlab-api-token-from-command-line";

    private final Options options;
    private final Monitor monitor;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, FunctionWorker> workers = new LinkedHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<SqsEventSource> sqsSources = new ArrayList<>();
    private MotoServer moto;
    private AwsTarget target;
    private LocalStack stack;
    private GitLabDouble gitLab;
    private WebhookGateway gateway;
    private EcsEventSource ecsSource;
    private ScheduledExecutorService scheduler;
    private EventSources sources;
    private List<EcsEventSource.Cluster> clusters = List.of();
    private volatile boolean closed;
    private final Set<String> ssmPathsWritten = new java.util.HashSet<>();

    private LocalPipeline(Options options, Monitor monitor) {
        this.options = options;
        this.monitor = monitor;
    }

    public static LocalPipeline start(Options options, Monitor monitor) throws IOException {
        LocalPipeline pipeline = new LocalPipeline(options, monitor);
        try {
            pipeline.startAll();
        } catch (IOException | RuntimeException e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    private void startAll() throws IOException {
        Files.createDirectories(options.logDir());
        if (options.realAws()) {
            target = new AwsTarget(null, AwsTarget.regionFromEnvironment(),
                    System.getenv().getOrDefault("AWS_ACCOUNT_ID", "000000000000"));
        } else if (options.awsEndpoint() != null) {
            target = AwsTarget.emulator(options.awsEndpoint());
        } else {
            moto = MotoServer.start();
            target = AwsTarget.emulator(moto.endpoint());
        }
        monitor.info("aws", target.isEmulator() ? "emulator at " + target.endpoint()
                + (moto != null ? " (moto_server started here, log " + moto.logFile() + ")" : "")
                : "REAL AWS account, region " + target.region().id());
        stack = LocalStack.open(options.root(), target, options.parameters(), m -> monitor.info("setup", m));

        Map<String, String> localValues = new LinkedHashMap<>();
        String environmentsJson = null;
        if (target.isEmulator()) {
            stack.provision();
            environmentsJson = "[" + String.join(",", provisionEnvironments()) + "]";
            localValues.put(EnvironmentsLoader.INLINE, environmentsJson);
        } else {
            assumeExistingQueues();
        }
        localValues.putAll(gitLabSettings());
        stack.setLocalValues(localValues);
        EnvVarsFile overrides = options.envVars();

        sources = EventSources.of(stack);
        Set<String> functions = new LinkedHashSet<>();
        sources.routes().forEach(r -> functions.add(r.function()));
        sources.queues().forEach(q -> functions.add(q.function()));
        sources.rules().forEach(r -> functions.add(r.function()));
        sources.schedules().forEach(s -> functions.add(s.function()));
        for (String function : functions) {
            Map<String, String> vars = stack.functionVariables(function, overrides);
            if (environmentsJson != null) {
                writeEnvironmentsToSsm(vars, environmentsJson);
            }
            FunctionWorker worker = new FunctionWorker(stack.functionSpec(function, overrides,
                    options.logDir().resolve(function + ".log")));
            workers.put(function, worker);
            closeables.add(worker);
        }
        monitor.info("setup", "functions: " + String.join(", ", functions) + " (logs in " + options.logDir() + ")");
        if (clusters.isEmpty()) {
            clusters = clustersFromConfiguration(overrides);
        }

        if (!sources.routes().isEmpty()) {
            gateway = new WebhookGateway(options.port(), sources.routes(), workers, monitor);
            closeables.add(gateway);
            sources.routes().forEach(r -> monitor.info("setup", r.method() + " " + webhookUrl(r.path()) + " -> "
                    + r.function()));
        }
        SqsClient sqs = target.client(SqsClient.builder());
        closeables.add(sqs);
        for (EventSources.QueueSource q : sources.queues()) {
            SqsEventSource source = new SqsEventSource(q, workers.get(q.function()), sqs, target.region().id(), monitor);
            sqsSources.add(source);
            thread("sqs-" + q.function(), source);
            monitor.info("setup", "SQS " + q.queueUrl() + " -> " + q.function() + " (batch " + q.batchSize()
                    + (q.reportBatchItemFailures() ? ", ReportBatchItemFailures" : "") + ")");
        }
        String depthQueue = sources.queues().isEmpty() ? null : sources.queues().get(0).queueUrl();
        EcsClient ecs = target.client(EcsClient.builder());
        closeables.add(ecs);
        ecsSource = new EcsEventSource(clusters, ecs, sources.rules(), workers, target.region().id(),
                target.accountId(), monitor, gitLab, () -> depth(sqs, depthQueue), options.ecsPoll().toMillis());
        thread("ecs-events", ecsSource);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "schedules");
            t.setDaemon(true);
            return t;
        });
        for (EventSources.ScheduleSource s : sources.schedules()) {
            Duration every = options.sweepEvery() != null ? options.sweepEvery() : s.rate();
            scheduler.scheduleAtFixedRate(() -> runSchedule(s), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
            monitor.info("setup", s.expression() + " -> " + s.function() + " (every " + every.toSeconds() + " s here)");
        }
    }

    private List<String> provisionEnvironments() throws IOException {
        JsonNode file = Json.MAPPER.readTree(Files.readAllBytes(options.root().resolve("local/environments.json")));
        MotoEcsFixture fixture = MotoEcsFixture.connect(target.endpoint().toString());
        if (options.taskStep() != null) {
            taskStepTransition(options.taskStep());
        }
        List<String> json = new ArrayList<>();
        List<EcsEventSource.Cluster> provisioned = new ArrayList<>();
        for (JsonNode env : file.path("environments")) {
            String name = env.path("name").asText();
            MotoEcsFixture.Provisioned p = fixture.provision(name);
            ObjectNode extra = env.deepCopy();
            for (String key : List.of("name", "tags", "runUntagged", "maxConcurrentTasks")) {
                extra.remove(key);
            }
            String extraJson = extra.isEmpty() ? "" : extra.toString().substring(1, extra.toString().length() - 1);
            json.add(p.environmentJson(env.path("tags").toString(), env.path("runUntagged").asBoolean(false),
                    env.path("maxConcurrentTasks").asInt(5), extraJson));
            provisioned.add(new EcsEventSource.Cluster(name, p.cluster()));
            monitor.info("setup", "environment " + name + ": cluster " + p.cluster() + ", task definition "
                    + p.taskDefinitionFamily() + ", VPC " + p.vpcId() + " (DNS hostnames on), subnets "
                    + p.subnets() + ", security group " + p.securityGroups());
        }
        clusters = List.copyOf(provisioned);
        return json;
    }

    /**
     * Makes moto's tasks change state with time rather than with every DescribeTasks: the scaler's and the
     * sweeper's own DescribeTasks calls would otherwise rush tasks to STOPPED before anyone saw them run.
     * http://docs.getmoto.org/en/latest/docs/configuration/state_transition/index.html
     */
    private void taskStepTransition(Duration step) throws IOException {
        var connection = (java.net.HttpURLConnection) java.net.URI.create(target.endpoint()
                + "/moto-api/state-manager/set-transition").toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        connection.getOutputStream().write(("{\"model_name\":\"ecs::task\",\"transition\":{\"progression\":\"time\","
                + "\"seconds\":" + Math.max(1, step.toSeconds()) + "}}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int status = connection.getResponseCode();
        connection.disconnect();
        if (status >= 300) {
            throw new IOException("moto_server refused the task state transition setting: " + status);
        }
        monitor.info("setup", "emulated tasks change state every " + Math.max(1, step.toSeconds()) + " s");
    }

    /** If a function reads its environments from SSM, they are written there (on the emulator only). */
    private void writeEnvironmentsToSsm(Map<String, String> vars, String environmentsJson) throws IOException {
        String path = vars.get(EnvironmentsLoader.SSM_PATH);
        if (path == null || path.isBlank() || path.startsWith(LocalStack.UNRESOLVED_PREFIX)
                || !ssmPathsWritten.add(path)) {
            return;
        }
        JsonNode environments = Json.MAPPER.readTree(environmentsJson);
        try (SsmClient ssm = target.client(SsmClient.builder())) {
            for (JsonNode env : environments) {
                String name = path.replaceAll("/+$", "") + "/" + env.path("name").asText();
                ssm.putParameter(r -> r.name(name).value(env.toString()).type(ParameterType.STRING).overwrite(true));
            }
            monitor.info("setup", "environments written to SSM under " + path);
        }
    }

    /** With --real-aws, the clusters to watch come from the environments the functions are configured with. */
    private List<EcsEventSource.Cluster> clustersFromConfiguration(EnvVarsFile overrides) {
        for (String function : workers.keySet()) {
            Map<String, String> vars = stack.functionVariables(function, overrides);
            try {
                Environments environments;
                if (vars.get(EnvironmentsLoader.INLINE) != null && !vars.get(EnvironmentsLoader.INLINE).isBlank()) {
                    environments = EnvironmentParser.parseArray(vars.get(EnvironmentsLoader.INLINE), "ENVIRONMENTS");
                } else if (vars.get(EnvironmentsLoader.SSM_PATH) != null && !vars.get(EnvironmentsLoader.SSM_PATH).isBlank()) {
                    try (SsmClient ssm = target.client(SsmClient.builder())) {
                        environments = EnvironmentsLoader.fromSsm(ssm, vars.get(EnvironmentsLoader.SSM_PATH));
                    }
                } else {
                    continue;
                }
                return environments.all().stream()
                        .map(e -> new EcsEventSource.Cluster(e.name(), e.cluster())).toList();
            } catch (RuntimeException e) {
                monitor.info("setup", "cannot read the environments of " + function + ": " + e.getMessage());
            }
        }
        monitor.info("setup", "no environments found: task state changes are not watched");
        return List.of();
    }

    /** --real-aws: the template's queues are the existing ones named by JOB_QUEUE_URL-like overrides. */
    private void assumeExistingQueues() {
        try (SqsClient sqs = target.client(SqsClient.builder())) {
            for (var queue : stack.template().resourcesOfType("AWS::SQS::Queue")) {
                String url = options.envVars().forFunction("Queues").get(queue.logicalId());
                if (url == null) {
                    throw new IllegalStateException("--real-aws: name the existing queue of " + queue.logicalId()
                            + " in the --env-vars file: {\"Queues\": {\"" + queue.logicalId() + "\": \"https://sqs...\"}}");
                }
                String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                        .attributes().get(QueueAttributeName.QUEUE_ARN);
                stack.assume(queue.logicalId(), url, Map.of("Arn", arn, "QueueUrl", url,
                        "QueueName", url.substring(url.lastIndexOf('/') + 1)));
            }
        }
    }

    private Map<String, String> gitLabSettings() {
        Map<String, String> values = new LinkedHashMap<>();
        if (options.gitLabUrl() == null) {
            String token = stack.config().secrets().get(LOCAL_GITLAB_TOKEN_SECRET);
            gitLab = new GitLabDouble(options.root().resolve("local/gitlab-jobs.json"), token).start();
            closeables.add(gitLab);
            values.put("GITLAB_URL", gitLab.url());
            values.put("GITLAB_TOKEN_SECRET", LOCAL_GITLAB_TOKEN_SECRET);
            monitor.info("setup", "GitLab API double at " + gitLab.url() + " serving local/gitlab-jobs.json ("
                    + gitLab.jobs().size() + " jobs)");
        } else {
            values.put("GITLAB_URL", options.gitLabUrl());
            if (options.gitLabToken() != null && target.isEmulator()) {
                try (SecretsManagerClient secrets = target.client(SecretsManagerClient.builder())) {
                    try {
                        secrets.putSecretValue(r -> r.secretId(USER_GITLAB_TOKEN_SECRET).secretString(options.gitLabToken()));
                    } catch (ResourceNotFoundException e) {
                        secrets.createSecret(r -> r.name(USER_GITLAB_TOKEN_SECRET).secretString(options.gitLabToken()));
                    }
                }
                values.put("GITLAB_TOKEN_SECRET", USER_GITLAB_TOKEN_SECRET);
            }
            monitor.info("setup", "GitLab API at " + options.gitLabUrl());
        }
        return values;
    }

    private int depth(SqsClient sqs, String queueUrl) {
        if (queueUrl == null) {
            return 0;
        }
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                + Integer.parseInt(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
    }

    private void runSchedule(EventSources.ScheduleSource schedule) {
        if (closed) {
            return;
        }
        try {
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.put("version", "0");
            event.put("id", java.util.UUID.randomUUID().toString());
            event.put("detail-type", "Scheduled Event");
            event.put("source", "aws.events");
            event.put("account", target.accountId());
            event.put("time", java.time.Instant.now().toString());
            event.put("region", target.region().id());
            event.putArray("resources").add("arn:aws:events:" + target.region().id() + ":" + target.accountId()
                    + ":rule/" + stack.ids().name(schedule.function()) + "-schedule");
            event.putObject("detail");
            FunctionWorker.Result result = workers.get(schedule.function()).invoke(Json.MAPPER.writeValueAsBytes(event));
            if (!result.ok()) {
                monitor.functionError(schedule.function(), result.payloadText());
            }
            monitor.sweeper(result.ok(), result.payloadText(), result.duration().toMillis());
        } catch (IOException | RuntimeException e) {
            monitor.functionError(schedule.function(), e.toString());
        }
    }

    /** Runs every scheduled function once, now (the demo does, rather than wait for the schedule). */
    public void runSchedulesNow() {
        sources.schedules().forEach(this::runSchedule);
    }

    /** One poll of the clusters, now (the demo and tests use it to settle). */
    public void pollTasksNow() throws IOException {
        ecsSource.pollOnce();
    }

    private void thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    public String webhookUrl(String path) {
        return "http://127.0.0.1:" + (gateway == null ? options.port() : gateway.port()) + path;
    }

    public String webhookUrl() {
        return webhookUrl(sources.routes().isEmpty() ? "/webhook" : sources.routes().get(0).path());
    }

    public AwsTarget target() {
        return target;
    }

    public LocalStack stack() {
        return stack;
    }

    public EventSources sources() {
        return sources;
    }

    public List<EcsEventSource.Cluster> clusters() {
        return clusters;
    }

    public Monitor monitor() {
        return monitor;
    }

    public GitLabDouble gitLab() {
        return gitLab;
    }

    /** Stops everything this pipeline started, the emulator last. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sqsSources.forEach(SqsEventSource::stop);
        if (ecsSource != null) {
            ecsSource.stop();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(SqsEventSource.WAIT_SECONDS + 3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<AutoCloseable> reversed = new ArrayList<>(closeables);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        if (moto != null) {
            moto.close();
        }
    }
}
