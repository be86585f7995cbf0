package dev.fargatescaler.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.local.aws.AwsTarget;
import dev.fargatescaler.local.cli.Args;
import dev.fargatescaler.local.cli.UserError;
import dev.fargatescaler.local.runtime.FunctionWorker;
import dev.fargatescaler.local.template.SamTemplate;
import dev.fargatescaler.testkit.MotoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.regions.Region;

/**
 * {@code bin/local invoke <LogicalId> -e <event.json> [--env-vars FILE] [--parameter-overrides K=V ...]}: runs
 * one function of {@code template.yaml} once, like {@code sam local invoke}, after setting up what
 * {@code bin/local start} sets up ({@link LocalDeployment}: the template's resources, the local environments, the
 * GitLab double fed with the event's GitLab data). The response goes to stdout, the function's logs and local
 * mode's messages to stderr. AWS calls go to {@code AWS_ENDPOINT_URL}, or to a {@code moto_server} started (and
 * stopped) for this invocation.
 */
public final class InvokeCommand {

    static final String USAGE = """
            usage: bin/local invoke <LogicalId> [-e <event.json>|-] [--env-vars <file.json>]
                                    [--gitlab-stubs <file.wiremock.json> ...] [--parameter-overrides Key=Value ...]
              -e, --event               the event (a file, or - for stdin); default {}
              -n, --env-vars            environment overrides, SAM's format:
                                        {"Parameters": {...all functions...}, "WebhookFunction": {...}}
              --gitlab-stubs            GitLab answers for the double (WireMock stub mappings); default: the event's
                                        own, events/<function>-gitlab-*.wiremock.json beside an events/<function>-* file
              --parameter-overrides     template parameter values (over local/stack.json's)
            AWS calls go to $AWS_ENDPOINT_URL; without it a moto_server is started for the invocation.
            Exit status: 0 the function answered, 1 it failed, 2 bad input (nothing was started).""";

    /** What to invoke. */
    public record Options(String logicalId, byte[] event, EnvVarsFile envVars, Map<String, String> parameters,
                          List<Path> gitLabStubs) {

        public Options(String logicalId, byte[] event, EnvVarsFile envVars, Map<String, String> parameters) {
            this(logicalId, event, envVars, parameters, List.of());
        }
    }

    private InvokeCommand() {
    }

    /**
     * @param env this process's environment ({@code AWS_ENDPOINT_URL} and the region are read from it)
     */
    static int run(Path root, String[] args, Map<String, String> env, PrintStream out, PrintStream err)
            throws IOException {
        Args parsed = Args.parse(args, 1, Set.of("--event", "--env-vars", "--parameter-overrides", "--gitlab-stubs"),
                Set.of("--help"), Map.of("-e", "--event", "-n", "--env-vars"));
        if (parsed.flag("--help")) {
            out.println(USAGE);
            return 0;
        }
        if (parsed.positionals().size() != 1) {
            throw new Args.UsageException("name exactly one function (its logical id in template.yaml)");
        }
        String logicalId = parsed.positionals().get(0);
        // Checked first: a typo must not cost an emulator start.
        SamTemplate template = SamTemplate.load(root.resolve("template.yaml"));
        if (!template.hasFunction(logicalId)) {
            throw new UserError("template.yaml has no function " + logicalId + "; its functions: "
                    + String.join(", ", template.functionIds()));
        }
        String eventSource = parsed.value("--event");
        byte[] event = readEvent(eventSource);
        List<Path> stubs = new ArrayList<>();
        parsed.values("--gitlab-stubs").forEach(s -> stubs.add(existing(Path.of(s), "GitLab stub file",
                "WireMock stub mappings: {\"mappings\": [...]}, like events/scaler-gitlab-jobs.wiremock.json")));
        if (stubs.isEmpty() && eventSource != null && !"-".equals(eventSource)) {
            stubs.addAll(eventGitLabData(Path.of(eventSource)));
        }
        EnvVarsFile envVars = parsed.value("--env-vars") == null ? EnvVarsFile.NONE
                : EnvVarsFile.load(Path.of(parsed.value("--env-vars")), m -> err.println("[local] " + m));
        Options options = new Options(logicalId, event, envVars, parameterOverrides(parsed), stubs);
        String endpoint = env.get("AWS_ENDPOINT_URL");
        FunctionWorker.Result result = invoke(root, options, endpoint == null || endpoint.isBlank() ? null : endpoint,
                AwsTarget.regionFrom(env), err, null);
        out.write(result.payload());
        out.println();
        out.flush();
        return result.ok() ? 0 : 1;
    }

    /** Invokes once, in the region of this process's environment. */
    public static FunctionWorker.Result invoke(Path root, Options options, String endpoint, PrintStream err)
            throws IOException {
        return invoke(root, options, endpoint, AwsTarget.regionFromEnvironment(), err, null);
    }

    public static FunctionWorker.Result invoke(Path root, Options options, String endpoint, PrintStream err,
                                               Path functionLog) throws IOException {
        return invoke(root, options, endpoint, AwsTarget.regionFromEnvironment(), err, functionLog);
    }

    /**
     * Invokes once.
     *
     * @param endpoint    the emulator to use, or null to start a moto_server for this invocation
     * @param functionLog where the function's logs go; null for this process's stderr
     */
    public static FunctionWorker.Result invoke(Path root, Options options, String endpoint, Region region,
                                               PrintStream err, Path functionLog) throws IOException {
        LocalDeployment.Options deployment = new LocalDeployment.Options(root, options.parameters(), null, null,
                options.gitLabStubs(), false);
        LocalDeployment.Checked checked = LocalDeployment.check(deployment, region, false);
        MotoServer moto = null;
        try {
            if (endpoint == null) {
                err.println("[local] AWS_ENDPOINT_URL is not set: starting moto_server for this invocation");
                moto = MotoServer.start();
                endpoint = moto.endpoint();
            }
            try (LocalDeployment deployed = LocalDeployment.deploy(checked, AwsTarget.emulator(endpoint, region),
                    m -> err.println("[local] " + m))) {
                FunctionWorker.Spec spec = deployed.stack().functionSpec(options.logicalId(), options.envVars(),
                        functionLog);
                err.println("[local] invoking " + options.logicalId() + " (" + spec.handler() + ") against " + endpoint
                        + ", region " + region.id());
                try (FunctionWorker worker = new FunctionWorker(spec)) {
                    return worker.invoke(options.event());
                }
            }
        } finally {
            if (moto != null) {
                moto.close();
            }
        }
    }

    /** The event file's bytes; a missing or unreadable file, or one that is not JSON, is a clear error. */
    static byte[] readEvent(String source) throws IOException {
        if (source == null) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
        byte[] event;
        String name;
        if ("-".equals(source)) {
            try (InputStream in = System.in) {
                event = in.readAllBytes();
            }
            name = "the event on stdin";
        } else {
            Path file = existing(Path.of(source), "event file", "the event as the function receives it, e.g. "
                    + "events/webhook-pending.json (events/README.md lists the samples)");
            event = Files.readAllBytes(file);
            name = "event file " + source;
        }
        try {
            Json.MAPPER.readTree(event);
        } catch (JsonProcessingException e) {
            throw new UserError(name + " is not JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        return event;
    }

    static Path existing(Path file, String what, String expected) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(what + " " + file + " " + (Files.exists(file) ? "is not a file" : "does not exist")
                    + " (working directory " + Path.of("").toAbsolutePath() + "); expected " + expected);
        }
        return file;
    }

    /**
     * A sample event's GitLab data: in the event's directory, the {@code <prefix>-gitlab-*.wiremock.json} files
     * of its prefix (the part of its name before the first {@code -}: {@code scaler-sqs-pending-jobs.json} has
     * {@code scaler-gitlab-jobs.wiremock.json}).
     */
    static List<Path> eventGitLabData(Path event) throws IOException {
        String name = event.getFileName().toString();
        int dash = name.indexOf('-');
        Path dir = event.toAbsolutePath().getParent();
        if (dash <= 0 || dir == null || name.endsWith(".wiremock.json")) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, name.substring(0, dash) + "-gitlab-*.wiremock.json")) {
            files.forEach(found::add);
        }
        found.sort(null);
        return found;
    }

    static Map<String, String> parameterOverrides(Args parsed) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String group : parsed.values("--parameter-overrides")) {
            for (String pair : group.trim().split("\\s+")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new Args.UsageException("--parameter-overrides takes Key=Value pairs, got " + pair);
                }
                String key = pair.substring(0, eq);
                // SAM also accepts ParameterKey=K,ParameterValue=V; the plain form is enough here.
                overrides.put(key, pair.substring(eq + 1));
            }
        }
        return overrides;
    }
}
