package dev.fargatescaler.sweeper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.lifecycle.Budget;
import dev.fargatescaler.domain.lifecycle.CatchUp;
import dev.fargatescaler.domain.lifecycle.CatchUpProjects;
import dev.fargatescaler.domain.lifecycle.Reaper;
import dev.fargatescaler.domain.lifecycle.Sweeper;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.pool.PoolKeeper;
import dev.fargatescaler.domain.routing.Router;
import dev.fargatescaler.domain.webhook.JobQueue;
import dev.fargatescaler.shared.aws.DynamoDbProjectRegistry;
import dev.fargatescaler.shared.lambda.LambdaLogging;
import dev.fargatescaler.shared.lambda.SnapStartPriming;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point for the sweeper's EventBridge schedule. Thin: the event only says "now"; the handler gives
 * {@link Sweeper} a time budget from the invocation's remaining time and answers with a short JSON summary.
 */
public final class SweeperHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SweeperHandler.class);

    /** The {@code Input} of the warm-pool keeper's 1-minute schedule (template.yaml, docs/warm-pool.md). */
    public static final String KEEP_WARM_POOLS = "keep-warm-pools";
    /** A keeper run stops launching after this long, well before the next one starts. */
    static final Duration KEEPER_RUN_LIMIT = Duration.ofSeconds(40);

    private final Sweeper sweeper;
    private final WarmPools pools;
    private final Metrics metrics;
    private final Duration timeReserve;
    /** Strong reference: org.crac holds registered resources weakly. Null unless built by Lambda. */
    private SnapStartPriming priming;

    /**
     * Used by Lambda: loads the configuration and wires the real adapters once per container. The sweeper has no
     * priming (it runs every 5 minutes, so its restores are rare), but it registers the restore hook: a restored
     * container reloads its environments at once.
     */
    public SweeperHandler() {
        this(FunctionWiring.lambda(), true);
    }

    /**
     * The same wiring as Lambda's no-arg constructor, from the given variables instead of the process
     * environment: for local mode, which points the SDK at an emulator with {@code AWS_ENDPOINT_URL} (and can
     * make moto's tasks look old with testkit's {@code MotoTaskTimes}, {@code -Dglfs.moto.taskAge=PT4H}).
     */
    public static SweeperHandler fromEnvironment(java.util.Map<String, String> environment) {
        return wiredBy(FunctionWiring.of(environment));
    }

    /** Wired by {@code wiring} (tests), without SnapStart hooks. */
    public static SweeperHandler wiredBy(FunctionWiring wiring) {
        return new SweeperHandler(wiring, false);
    }

    private SweeperHandler(FunctionWiring wiring, boolean snapStart) {
        this(wiring, SweeperConfig.load(wiring.variables()), snapStart);
    }

    private SweeperHandler(FunctionWiring wiring, SweeperConfig config, boolean snapStart) {
        this(wiring, config, wiring.metrics(config.metricsNamespace()), snapStart);
    }

    private SweeperHandler(FunctionWiring wiring, SweeperConfig config, Metrics metrics, boolean snapStart) {
        this(wiring, config, metrics, wiring.environments(config.environments(), metrics), snapStart);
    }

    private SweeperHandler(FunctionWiring wiring, SweeperConfig config, Metrics metrics,
                           EnvironmentsProvider environments, boolean snapStart) {
        this(wire(config, wiring, metrics, environments), pools(config, wiring, metrics, environments), metrics,
                config.timeReserve());
        if (snapStart) {
            this.priming = wiring.snapStart("sweeper", () -> { });
        }
    }

    /** For tests and local mode: the domain service with its ports already wired. */
    public SweeperHandler(Sweeper sweeper, Metrics metrics, Duration timeReserve) {
        this(sweeper, null, metrics, timeReserve);
    }

    /** As above, with the warm-pool keeper the 1-minute schedule runs (null: that schedule is refused). */
    public SweeperHandler(Sweeper sweeper, WarmPools pools, Metrics metrics, Duration timeReserve) {
        this.pools = pools;
        this.sweeper = Objects.requireNonNull(sweeper);
        this.metrics = Objects.requireNonNull(metrics);
        this.timeReserve = Objects.requireNonNull(timeReserve);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        if (event != null && KEEP_WARM_POOLS.equals(event.path("action").asText(null))) {
            Json.MAPPER.writeValue(output, keepWarmPools(context));
            return;
        }
        Budget budget = context == null
                ? Budget.UNLIMITED
                : () -> context.getRemainingTimeInMillis() < timeReserve.toMillis();
        Sweeper.Result result = LambdaLogging.withLogging(context, () -> {
            try {
                LOG.info("sweep started by {} at {}", event == null ? null : event.path("source").asText(null),
                        event == null ? null : event.path("time").asText(null));
                return sweeper.run(budget);
            } finally {
                metrics.flush();
            }
        });
        Json.MAPPER.writeValue(output, summary(result));
    }

    private ObjectNode keepWarmPools(Context context) {
        if (pools == null) {
            throw new IllegalStateException("the warm-pool keeper is not wired in this handler");
        }
        long start = System.nanoTime();
        Budget budget = () -> System.nanoTime() - start > KEEPER_RUN_LIMIT.toNanos()
                || context != null && context.getRemainingTimeInMillis() < timeReserve.toMillis();
        PoolKeeper.Result result = LambdaLogging.withLogging(context, () -> {
            try {
                return pools.keeper().keep(pools.environments(), budget);
            } finally {
                metrics.flush();
            }
        });
        ObjectNode node = Json.MAPPER.createObjectNode();
        ObjectNode environments = node.putObject("warmPools");
        result.decisions().forEach((name, d) -> environments.putObject(name).put("decision", d.reason())
                .put("poolTasks", d.poolTasks()).put("counted", d.counted()).put("activeTasks", d.activeTasks())
                .put("target", d.target())
                .put("started", result.started().getOrDefault(name, 0)));
        return node;
    }

    /** The keeper and the environments it reads (the same provider as the sweep's). */
    public record WarmPools(PoolKeeper keeper, EnvironmentsProvider environments) {
    }

    static WarmPools pools(SweeperConfig config, FunctionWiring wiring, Metrics metrics,
                           EnvironmentsProvider environments) {
        return new WarmPools(new PoolKeeper(wiring.clusterTasks(), wiring.poolLaunches(), metrics, config.prices(),
                wiring.clock()), environments);
    }

    static ObjectNode summary(Sweeper.Result result) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        ObjectNode reaper = node.putObject("reaper");
        reaper.put("tasksSeen", result.reaper().tasksSeen());
        reaper.put("reaped", result.reaper().reaped());
        reaper.putPOJO("unknownEnvironments", result.reaper().unknown().stream().sorted().toList());
        ObjectNode catchUp = node.putObject("catchUp");
        catchUp.put("pages", result.catchUp().pages());
        catchUp.put("pendingSeen", result.catchUp().pendingSeen());
        catchUp.put("queued", result.catchUp().queued());
        catchUp.put("alreadyRunning", result.catchUp().alreadyRunning());
        catchUp.put("skipped", result.catchUp().skipped());
        catchUp.put("notVisible", result.catchUp().notVisible());
        catchUp.put("stoppedBy", result.catchUp().stoppedBy());
        catchUp.put("projects", result.catchUpProjects());
        catchUp.put("sweepAgeSeconds", result.sweepAgeSeconds());
        return node;
    }

    private static Sweeper wire(SweeperConfig config, FunctionWiring wiring, Metrics metrics,
                                EnvironmentsProvider environments) {
        LOG.info("sweeper configured with catch-up discovery {} and {} listed project(s)",
                config.projectsTable() == null ? "off" : "on (" + config.projectsTable() + ")",
                config.projectIds().size());
        Reaper reaper = new Reaper(wiring.clusterTasks(), metrics, wiring.clock());
        GitLabApi gitlab = NO_GITLAB;
        JobQueue queue = job -> {
            throw new IllegalStateException("catch-up is off: no queue configured");
        };
        if (config.catchUpEnabled()) {
            gitlab = wiring.gitLab(config.gitLab(), config.secretTtl());
            queue = wiring.jobQueue(config.queueUrl());
        }
        // The catch-up routes with the provider's current list, as the reaper does.
        CatchUp catchUp = new CatchUp(gitlab, queue,
                new Router(() -> environments.current().environmentsOrThrow()), metrics, wiring.clock());
        return new Sweeper(environments, metrics, reaper, catchUp, catchUpProjects(config, wiring, metrics),
                new CatchUp.Limits(config.maxPages(), config.maxJobs(), config.maxPagesPerProject()));
    }

    /** The listed projects and, when the table is configured, those the webhook has seen. */
    static CatchUpProjects catchUpProjects(SweeperConfig config, FunctionWiring wiring, Metrics metrics) {
        DynamoDbProjectRegistry registry = config.projectsTable() == null ? null
                : wiring.projectsForSweeps(config.projectsTable(), SweeperConfig.MAX_DISCOVERED_PROJECTS);
        return new CatchUpProjects(config.projectIds(), registry, config.activeWindow(), metrics, wiring.clock());
    }

    /** Stands in for GitLab when the catch-up is off: it then never calls it. */
    private static final GitLabApi NO_GITLAB = new GitLabApi() {
        @Override
        public Optional<GitLabJob> job(long projectId, long jobId) {
            throw new IllegalStateException("catch-up is off: no GitLab configured");
        }

        @Override
        public Page pendingJobs(long projectId, String cursor) {
            throw new IllegalStateException("catch-up is off: no GitLab configured");
        }
    };
}
