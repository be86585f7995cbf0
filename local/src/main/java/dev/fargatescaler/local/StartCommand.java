package dev.fargatescaler.local;

import dev.fargatescaler.local.cli.Args;
import dev.fargatescaler.local.fargate.RunnerModel;
import dev.fargatescaler.local.start.LocalPipeline;
import dev.fargatescaler.local.start.Monitor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/local start}: the whole pipeline on this machine until Ctrl-C (SIGINT) or SIGTERM, which stop
 * everything it started, moto_server included.
 */
public final class StartCommand {

    static final String USAGE = """
            usage: bin/local start [--port N] [--aws-endpoint URL | --real-aws]
                                   [--gitlab-url URL [--gitlab-token TOKEN]] [--env-vars FILE]
                                   [--parameter-overrides Key=Value ...] [--sweep-every SECONDS] [--log-dir DIR]
                                   [--provisioning-delay SECONDS] [--concurrency N]
              --port            where webhooks are served (default 8080): http://127.0.0.1:PORT/webhook
              --aws-endpoint    use this emulator instead of starting moto_server
              --real-aws        run the functions against the AWS account of your usual credentials: nothing is
                                provisioned, the queues and environments named in --env-vars are used, and REAL,
                                BILLED Fargate tasks are started
              --gitlab-url      call this GitLab instead of the local double (local/gitlab-jobs.json)
              --gitlab-token    its API token (read_api); stored as a local secret on the emulator
              --env-vars        overrides in SAM's format (see bin/local invoke --help)
              --sweep-every     run the sweeper this often instead of the template's schedule
              --log-dir         where the function logs go (default .local/logs/<time>)
              --provisioning-delay
                                on the emulator, seconds a simulated Fargate task takes from RunTask to
                                RUNNING, when its runner starts asking the GitLab double for a job (default 30)
              --concurrency     most execution environments (worker JVMs) per function, as Lambda's
                                concurrency (default 2; ReservedConcurrentExecutions and an SQS event source's
                                MaximumConcurrency cap it, as in Lambda)
            The region is AWS_REGION's (else us-east-1): the emulator, the environments and the functions use it.""";

    private StartCommand() {
    }

    static Args parse(String[] args) {
        return Args.parse(args, 1, Set.of("--port", "--aws-endpoint", "--gitlab-url", "--gitlab-token", "--env-vars",
                        "--parameter-overrides", "--sweep-every", "--log-dir", "--provisioning-delay",
                        "--concurrency"),
                Set.of("--real-aws", "--help"),
                Map.of("-p", "--port", "-n", "--env-vars"));
    }

    static LocalPipeline.Options options(Path root, Args parsed, int defaultPort, Duration defaultSweep,
                                         Duration defaultKeeper)
            throws IOException {
        if (parsed.flag("--real-aws") && parsed.value("--aws-endpoint") != null) {
            throw new Args.UsageException("--aws-endpoint and --real-aws exclude each other");
        }
        if (parsed.value("--gitlab-token") != null && parsed.value("--gitlab-url") == null) {
            throw new Args.UsageException("--gitlab-token needs --gitlab-url");
        }
        if (parsed.flag("--real-aws") && parsed.value("--gitlab-url") == null) {
            throw new Args.UsageException("--real-aws needs --gitlab-url (the functions read the token from the secret "
                    + "named by --parameter-overrides GitLabTokenSecret=...)");
        }
        if (parsed.flag("--real-aws") && parsed.value("--gitlab-token") != null) {
            throw new Args.UsageException("with --real-aws the GitLab token is read from your account's secret "
                    + "(--parameter-overrides GitLabTokenSecret=...), never given on the command line");
        }
        if (!parsed.positionals().isEmpty()) {
            throw new Args.UsageException("unexpected argument " + parsed.positionals().get(0));
        }
        Path logDir = parsed.value("--log-dir") != null ? Path.of(parsed.value("--log-dir")).toAbsolutePath()
                : root.resolve(".local/logs/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Duration sweep = parsed.value("--sweep-every") != null
                ? Duration.ofSeconds(parsed.intValue("--sweep-every", 300)) : defaultSweep;
        int port = parsed.intValue("--port", defaultPort);
        if (port < 0 || port > 65535) {
            throw new Args.UsageException("--port must be 0 to 65535, got " + port);
        }
        int delay = parsed.intValue("--provisioning-delay", (int) RunnerModel.DEFAULT_PROVISIONING_DELAY.toSeconds());
        if (delay < 1 || delay > 3600) {
            throw new Args.UsageException("--provisioning-delay must be 1 to 3600 seconds, got " + delay);
        }
        int concurrency = parsed.intValue("--concurrency", LocalPipeline.DEFAULT_CONCURRENCY);
        if (concurrency < 1) {
            throw new Args.UsageException("--concurrency must be at least 1, got " + concurrency);
        }
        java.util.Map<String, String> parameters = new java.util.LinkedHashMap<>(InvokeCommand.parameterOverrides(parsed));
        if (parsed.value("--gitlab-url") != null) {
            // The template's own parameter too, so that the stacks are deployed with it.
            parameters.putIfAbsent("GitLabUrl", parsed.value("--gitlab-url"));
        }
        return new LocalPipeline.Options(root, port, parsed.value("--aws-endpoint"),
                parsed.flag("--real-aws"), parsed.value("--gitlab-url"), parsed.value("--gitlab-token"),
                parsed.value("--env-vars") == null ? EnvVarsFile.NONE : EnvVarsFile.load(Path.of(parsed.value("--env-vars")),
                        System.err::println),
                parameters, logDir, Duration.ofSeconds(1), sweep,
                RunnerModel.withProvisioningDelay(Duration.ofSeconds(delay)), defaultKeeper, null, concurrency);
    }

    static int run(Path root, String[] args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        Args parsed = parse(args);
        if (parsed.flag("--help")) {
            out.println(USAGE);
            return 0;
        }
        LocalPipeline.Options options = options(root, parsed, 8080, null, null);
        if (options.realAws()) {
            err.println("""
                    *******************************************************************************************
                    WARNING: --real-aws runs the functions against the AWS account of your usual credentials.
                    Every routed pending job STARTS A REAL FARGATE TASK, WHICH IS BILLED. Nothing is created
                    or deleted for you; the queues and clusters named in your configuration are used.
                    *******************************************************************************************""");
        }
        Monitor monitor = new Monitor(out, options.logDir().resolve("local.log"));
        java.nio.file.Files.createDirectories(options.logDir());
        CountDownLatch stopped = new CountDownLatch(1);
        LocalPipeline pipeline = LocalPipeline.start(options, monitor);
        Thread hook = new Thread(() -> {
            monitor.info("stop", "stopping (functions, event sources, GitLab double, moto_server)...");
            pipeline.close();
            monitor.info("stop", monitor.summary());
            stopped.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        String endpoint = pipeline.target().isEmulator() ? pipeline.target().endpoint().toString() : null;
        monitor.info("ready", "webhooks: " + pipeline.webhookUrl() + " (X-Gitlab-Token: "
                + pipeline.stack().config().secrets().getOrDefault("local/gitlab-webhook-token", "?") + ")");
        monitor.info("ready", "try:  curl -s -X POST " + pipeline.webhookUrl()
                + " -H 'Content-Type: application/json' -H 'X-Gitlab-Event: Job Hook'"
                + " -H 'X-Gitlab-Token: local-webhook-token' -H \"Idempotency-Key: delivery-$(date +%s%N)\""
                + " --data @functions/domain/src/test/resources/fixtures/job-pending.derived.json");
        if (endpoint != null && !pipeline.clusters().isEmpty()) {
            monitor.info("ready", "then: AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws --endpoint-url "
                    + endpoint + " --region " + pipeline.target().region().id() + " ecs list-tasks --cluster "
                    + pipeline.clusters().get(0).cluster());
        }
        monitor.info("ready", "logs: " + options.logDir() + "; Ctrl-C stops everything");
        stopped.await();
        return 0;
    }
}
