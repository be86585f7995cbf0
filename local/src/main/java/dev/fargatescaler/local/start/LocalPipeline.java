package dev.fargatescaler.local.start;

import dev.fargatescaler.local.EnvVarsFile;
import dev.fargatescaler.local.LocalDeployment;
import dev.fargatescaler.local.LocalStack;
import dev.fargatescaler.local.aws.AwsTarget;
import dev.fargatescaler.local.aws.EcsClientTokenProxy;
import dev.fargatescaler.local.deploy.EnvironmentStacks;
import dev.fargatescaler.local.aws.SwitchableEcsTraffic;
import dev.fargatescaler.local.fargate.FargateSimulation;
import dev.fargatescaler.local.fargate.RunnerModel;
import dev.fargatescaler.local.runtime.FunctionPool;
import dev.fargatescaler.local.runtime.FunctionWorker;
import dev.fargatescaler.testkit.MotoServer;
import dev.fargatescaler.testkit.template.CfnEvaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole pipeline on this machine (what {@code bin/local start} runs and {@code bin/local demo} checks):
 * moto_server (or the given endpoint, or the real account), the {@link LocalDeployment} (template.yaml,
 * environments, GitLab double), every function of the template in its own execution environments, and the event
 * sources that drive them: API Gateway for the webhook, the SQS event source for the scaler, ECS task state
 * change events for the reporter, the schedule for the sweeper.
 */
public final class LocalPipeline implements AutoCloseable {

    /** Default most execution environments per function ({@code --concurrency}). */
    public static final int DEFAULT_CONCURRENCY = 2;

    /**
     * @param awsEndpoint  an emulator to use instead of starting moto_server; null to start one
     * @param realAws      run against the account of the usual credentials (nothing provisioned)
     * @param gitLabUrl    a real GitLab; null for the double fed by {@code local/gitlab-jobs.json}
     * @param ecsPoll      how often the clusters are polled for task state changes
     * @param sweepEvery   the sweeper's period; null for the template's schedule
     * @param fargate      on the emulator, how the simulated Fargate tasks and runners behave (provisioning delay,
     *                     runner poll interval); null leaves tasks as the emulator shows them
     * @param keeperEvery  the warm-pool keeper's period; null for the template's schedule (1 minute)
     * @param region       the region of everything (null: {@code AWS_REGION}, else us-east-1)
     * @param concurrency  most execution environments per function, as Lambda's concurrency
     */
    public record Options(Path root, int port, String awsEndpoint, boolean realAws, String gitLabUrl,
                          String gitLabToken, EnvVarsFile envVars, Map<String, String> parameters, Path logDir,
                          Duration ecsPoll, Duration sweepEvery, RunnerModel fargate, Duration keeperEvery,
                          Region region, int concurrency) {

        public Region regionOrDefault() {
            return region != null ? region : AwsTarget.regionFromEnvironment();
        }
    }

    private final Options options;
    private final Monitor monitor;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, FunctionPool> functions = new LinkedHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<SqsEventSource> sqsSources = new ArrayList<>();
    private MotoServer moto;
    private AwsTarget target;
    private LocalDeployment deployment;
    private WebhookGateway gateway;
    private EcsEventSource ecsSource;
    private ScheduledExecutorService scheduler;
    private EventSources sources;
    private List<EcsEventSource.Cluster> clusters = List.of();
    /** The proxy starts before the deployment that the simulation needs: it shows the traffic once set. */
    private final SwitchableEcsTraffic traffic = new SwitchableEcsTraffic();

    private FargateSimulation fargate;
    private volatile boolean closed;

    private LocalPipeline(Options options, Monitor monitor) {
        this.options = options;
        this.monitor = monitor;
    }

    /**
     * Checks every input first (port, template parameters, environments: {@link dev.fargatescaler.local.cli.UserError}
     * or {@link dev.fargatescaler.domain.errors.ConfigurationException} with every problem), then starts.
     */
    public static LocalPipeline start(Options options, Monitor monitor) throws IOException {
        PortCheck.requireFree(options.port());
        LocalDeployment.Checked checked = LocalDeployment.check(deploymentOptions(options), options.regionOrDefault(),
                options.realAws());
        LocalPipeline pipeline = new LocalPipeline(options, monitor);
        try {
            pipeline.startAll(checked);
        } catch (IOException | RuntimeException e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    private static LocalDeployment.Options deploymentOptions(Options options) {
        return new LocalDeployment.Options(options.root(), options.parameters(), options.gitLabUrl(),
                options.gitLabToken(), List.of(), options.fargate() != null && !options.realAws());
    }

    private void startAll(LocalDeployment.Checked checked) throws IOException {
        Files.createDirectories(options.logDir());
        Region region = options.regionOrDefault();
        if (options.realAws()) {
            target = new AwsTarget(null, region, System.getenv().getOrDefault("AWS_ACCOUNT_ID", "000000000000"));
        } else {
            String emulator = options.awsEndpoint();
            if (emulator == null) {
                moto = MotoServer.start();
                emulator = moto.endpoint();
            }
            // Every call goes through the proxy, so that RunTask's clientToken holds as in ECS (moto ignores it).
            // It also shows the Fargate simulation every task started, stopped and described (set once deployed).
            EcsClientTokenProxy proxy = EcsClientTokenProxy.start(emulator, traffic);
            closeables.add(proxy);
            target = AwsTarget.emulator(proxy.endpoint(), region);
            monitor.info("aws", "emulator at " + emulator + ", region " + region.id()
                    + (moto != null ? " (moto_server started here, log " + moto.logFile() + ")" : "")
                    + "; ECS client tokens honoured by a proxy at " + proxy.endpoint());
        }
        if (!target.isEmulator()) {
            monitor.info("aws", "REAL AWS account, region " + region.id());
        }
        deployment = LocalDeployment.deploy(checked, target, m -> monitor.info("setup", m));
        closeables.add(deployment);
        LocalStack stack = deployment.stack();
        if (!target.isEmulator()) {
            new RealAwsQueues(target, stack, options.envVars()).assume();
        }
        clusters = deployment.environments().stream()
                .map(e -> e.account() == null ? new EcsEventSource.Cluster(e.name(), e.cluster())
                        : new EcsEventSource.Cluster(e.name(), e.cluster(), e.account(),
                                target.inAccount(e.account()).client(software.amazon.awssdk.services.ecs.EcsClient.builder())))
                .toList();
        if (clusters.isEmpty() && !target.isEmulator()) {
            clusters = RealAwsQueues.clustersFromSsm(target, stack, options.envVars(), monitor);
        }

        sources = EventSources.of(stack);
        Set<String> names = new LinkedHashSet<>();
        sources.routes().forEach(r -> names.add(r.function()));
        sources.queues().forEach(q -> names.add(q.function()));
        sources.rules().forEach(r -> names.add(r.function()));
        sources.schedules().forEach(s -> names.add(s.function()));
        for (String function : names) {
            FunctionWorker.Spec spec = stack.functionSpec(function, options.envVars(),
                    options.logDir().resolve(function + ".log"));
            if ("ScalerFunction".equals(function)) {
                spec = spec.withLogLines(monitor::scalerLogLine);
            }
            int concurrency = Math.min(options.concurrency(), reservedConcurrency(stack, function));
            FunctionPool pool = new FunctionPool(spec, concurrency);
            functions.put(function, pool);
            closeables.add(pool);
        }
        monitor.info("setup", "functions: " + String.join(", ", functions.keySet().stream().map(f -> f + " (up to "
                + functions.get(f).maxConcurrency() + " at once)").toList()) + "; logs in " + options.logDir());

        if (!sources.routes().isEmpty()) {
            gateway = new WebhookGateway(options.port(), sources.routes(), functions, monitor);
            closeables.add(gateway);
            sources.routes().forEach(r -> monitor.info("setup", r.method() + " " + webhookUrl(r.path()) + " -> "
                    + r.function()));
        }
        for (EventSources.QueueSource q : sources.queues()) {
            FunctionPool pool = functions.get(q.function());
            // Lambda's SQS poller runs several batches at once, up to ScalingConfig.MaximumConcurrency.
            int pollers = q.maximumConcurrency() > 0 ? Math.min(q.maximumConcurrency(), pool.maxConcurrency())
                    : pool.maxConcurrency();
            for (int i = 0; i < pollers; i++) {
                SqsEventSource source = new SqsEventSource(q, pool, deployment.aws().sqs(), region.id(), monitor);
                sqsSources.add(source);
                thread("sqs-" + q.function() + "-" + i, source);
            }
            monitor.info("setup", "SQS " + q.queueUrl() + " -> " + q.function() + " (batch " + q.batchSize()
                    + (q.reportBatchItemFailures() ? ", ReportBatchItemFailures" : "") + ", " + pollers
                    + " batch(es) at once)");
        }
        String depthQueue = sources.queues().isEmpty() ? null : sources.queues().get(0).queueUrl();
        scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "schedules");
            t.setDaemon(true);
            return t;
        });
        startFargateSimulation();
        ecsSource = new EcsEventSource(clusters, deployment.aws().ecs(), sources.rules(), functions, region.id(),
                target.accountId(), monitor, fargate == null ? deployment.gitLab() : null, () -> depth(depthQueue),
                options.ecsPoll().toMillis(), SimulatedExitCode.AS_THE_EMULATOR_REPORTS);
        thread("ecs-events", ecsSource);
        for (EventSources.ScheduleSource s : sources.schedules()) {
            // The sweep period can be shortened here, and the warm-pool keeper's (a schedule with its own Input).
            Duration every = s.input() == null ? (options.sweepEvery() != null ? options.sweepEvery() : s.rate())
                    : (options.keeperEvery() != null ? options.keeperEvery() : s.rate());
            scheduler.scheduleAtFixedRate(() -> runSchedule(s), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
            monitor.info("setup", s.expression() + " -> " + s.function() + " (every " + every.toSeconds() + " s here)");
        }
    }

    /** On the emulator: every task becomes a simulated Fargate task ({@link LocalFargate}). */
    private void startFargateSimulation() throws IOException {
        if (options.fargate() == null || !target.isEmulator()) {
            return;
        }
        String webhook = sources.routes().isEmpty() ? null : webhookUrl(sources.routes().get(0).path());
        LocalFargate local = LocalFargate.start(options.fargate(), deployment, clusters, target.accountId(), webhook,
                options.root(), monitor, scheduler);
        closeables.add(local);
        fargate = local.simulation();
        traffic.set(fargate);
    }

    /** The simulation, when tasks are simulated. */
    public java.util.Optional<FargateSimulation> fargate() {
        return java.util.Optional.ofNullable(fargate);
    }

    /** Runs the warm-pool keeper once, now (the schedule with its own Input), if the template has one. */
    public void runKeeperNow() {
        sources.schedules().stream().filter(s -> s.input() != null).forEach(this::runSchedule);
    }

    /** {@code ReservedConcurrentExecutions} caps a function's concurrency, as in Lambda. */
    private static int reservedConcurrency(LocalStack stack, String function) {
        Object reserved = stack.template().resources().get(function).properties().get("ReservedConcurrentExecutions");
        // Absent, or an !If that resolves to AWS::NoValue (template.yaml reserves none by default): no cap.
        Object value = reserved == null ? null : stack.evaluator().resolve(reserved);
        if (value == null || value == CfnEvaluator.NO_VALUE) {
            return Integer.MAX_VALUE;
        }
        return Math.max(1, Integer.parseInt(String.valueOf(value)));
    }

    private int depth(String queueUrl) {
        if (queueUrl == null) {
            return 0;
        }
        Map<QueueAttributeName, String> a = deployment.aws().sqs().getQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                + Integer.parseInt(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
    }

    private void runSchedule(EventSources.ScheduleSource schedule) {
        if (closed) {
            return;
        }
        try {
            byte[] event = schedule.input() != null
                    ? schedule.input().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : dev.fargatescaler.domain.json.Json.MAPPER.writeValueAsBytes(ScheduledEvents.scheduled(
                            target.region().id(), target.accountId(),
                            deployment.stack().ids().name(schedule.function()) + "-schedule", Instant.now()));
            FunctionWorker.Result result = functions.get(schedule.function()).invoke(event);
            if (!result.ok()) {
                monitor.functionError(schedule.function(), result.payloadText());
            }
            monitor.sweeper(result.ok(), result.payloadText(), result.duration().toMillis());
        } catch (IOException | RuntimeException e) {
            monitor.functionError(schedule.function(), e.toString());
        }
    }

    /** Runs the sweep once, now (the demo does, rather than wait for the schedule); not the warm-pool keeper. */
    public void runSchedulesNow() {
        sources.schedules().stream().filter(s -> s.input() == null).forEach(this::runSchedule);
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

    /** Where the functions' logs go. */
    public Path logDir() {
        return options.logDir();
    }

    public AwsTarget target() {
        return target;
    }

    public LocalStack stack() {
        return deployment.stack();
    }

    public EventSources sources() {
        return sources;
    }

    public List<EcsEventSource.Cluster> clusters() {
        return clusters;
    }

    public List<EnvironmentStacks.Deployed> environments() {
        return deployment.environments();
    }

    public Map<String, FunctionPool> functions() {
        return functions;
    }

    public Monitor monitor() {
        return monitor;
    }

    public GitLabDouble gitLab() {
        return deployment.gitLab();
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
