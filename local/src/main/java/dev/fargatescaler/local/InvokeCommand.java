package dev.fargatescaler.local;

import dev.fargatescaler.local.aws.AwsTarget;
import dev.fargatescaler.local.cli.Args;
import dev.fargatescaler.local.runtime.FunctionWorker;
import dev.fargatescaler.testkit.MotoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code bin/local invoke <LogicalId> -e <event.json> [--env-vars FILE] [--parameter-overrides K=V ...]}: runs
 * one function of {@code template.yaml} once, like {@code sam local invoke}. The response goes to stdout, the
 * function's logs and local mode's messages to stderr. AWS calls go to {@code AWS_ENDPOINT_URL}, or to a
 * {@code moto_server} started (and stopped) for this invocation; either way the template's queues and the local
 * secrets are created first if missing.
 */
public final class InvokeCommand {

    static final String USAGE = """
            usage: bin/local invoke <LogicalId> [-e <event.json>|-] [--env-vars <file.json>]
                                    [--parameter-overrides Key=Value ...]
              -e, --event               the event (a file, or - for stdin); default {}
              -n, --env-vars            environment overrides, SAM's format:
                                        {"Parameters": {...all functions...}, "WebhookFunction": {...}}
              --parameter-overrides     template parameter values (over local/stack.json's)
            AWS calls go to $AWS_ENDPOINT_URL; without it a moto_server is started for the invocation.""";

    /** What to invoke. */
    public record Options(String logicalId, byte[] event, EnvVarsFile envVars, Map<String, String> parameters) {
    }

    private InvokeCommand() {
    }

    /**
     * @param env this process's environment ({@code AWS_ENDPOINT_URL} is read from it)
     */
    static int run(Path root, String[] args, Map<String, String> env, PrintStream out, PrintStream err)
            throws IOException {
        Args parsed = Args.parse(args, 1, Set.of("--event", "--env-vars", "--parameter-overrides", "--template"),
                Set.of("--help"), Map.of("-e", "--event", "-n", "--env-vars"));
        if (parsed.flag("--help")) {
            out.println(USAGE);
            return 0;
        }
        if (parsed.positionals().size() != 1) {
            throw new Args.UsageException("name exactly one function (its logical id in template.yaml)");
        }
        Options options = new Options(parsed.positionals().get(0), readEvent(parsed.value("--event")),
                parsed.value("--env-vars") == null ? EnvVarsFile.NONE : EnvVarsFile.load(Path.of(parsed.value("--env-vars"))),
                parameterOverrides(parsed));
        String endpoint = env.get("AWS_ENDPOINT_URL");
        FunctionWorker.Result result = invoke(root, options, endpoint == null || endpoint.isBlank() ? null : endpoint,
                err);
        out.write(result.payload());
        out.println();
        out.flush();
        return result.ok() ? 0 : 1;
    }

    /**
     * Invokes once.
     *
     * @param endpoint the emulator to use, or null to start a moto_server for this invocation
     */
    public static FunctionWorker.Result invoke(Path root, Options options, String endpoint, PrintStream err)
            throws IOException {
        return invoke(root, options, endpoint, err, null);
    }

    /** @param functionLog where the function's logs go; null for this process's stderr */
    public static FunctionWorker.Result invoke(Path root, Options options, String endpoint, PrintStream err,
                                               Path functionLog) throws IOException {
        MotoServer moto = null;
        try {
            if (endpoint == null) {
                err.println("[local] AWS_ENDPOINT_URL is not set: starting moto_server for this invocation");
                moto = MotoServer.start();
                endpoint = moto.endpoint();
            }
            AwsTarget target = AwsTarget.emulator(endpoint);
            LocalStack stack = LocalStack.open(root, target, options.parameters(), m -> err.println("[local] " + m));
            stack.provision();
            FunctionWorker.Spec spec = stack.functionSpec(options.logicalId(), options.envVars(), functionLog);
            err.println("[local] invoking " + options.logicalId() + " (" + spec.handler() + ") against " + endpoint);
            try (FunctionWorker worker = new FunctionWorker(spec)) {
                return worker.invoke(options.event());
            }
        } finally {
            if (moto != null) {
                moto.close();
            }
        }
    }

    static byte[] readEvent(String source) throws IOException {
        if (source == null) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
        if ("-".equals(source)) {
            try (InputStream in = System.in) {
                return in.readAllBytes();
            }
        }
        return Files.readAllBytes(Path.of(source));
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
