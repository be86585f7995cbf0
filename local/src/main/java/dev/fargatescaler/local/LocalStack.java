package dev.fargatescaler.local;

import dev.fargatescaler.local.aws.AwsTarget;
import dev.fargatescaler.local.aws.LocalPhysicalIds;
import dev.fargatescaler.local.aws.Provisioner;
import dev.fargatescaler.local.aws.StackConfig;
import dev.fargatescaler.local.runtime.FunctionWorker;
import dev.fargatescaler.local.runtime.WorkerMain;
import dev.fargatescaler.local.template.Intrinsics;
import dev.fargatescaler.local.template.SamTemplate;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The template deployed "locally": its parameters (defaults, then {@code local/stack.json}, then command-line
 * overrides), the physical ids of what was provisioned, and each function's resolved configuration, ready to
 * run in a {@link FunctionWorker}.
 */
public final class LocalStack {

    /**
     * What an environment variable gets when the template's expression cannot be evaluated locally (e.g.
     * {@code Fn::ImportValue}): this prefix followed by the reason. Documented in docs/local-mode.md.
     */
    public static final String UNRESOLVED_PREFIX = "local-unresolved:";

    private final Path root;
    private final SamTemplate template;
    private final StackConfig config;
    private final AwsTarget target;
    private final LocalPhysicalIds ids;
    private final Intrinsics intrinsics;
    private final Map<String, String> parameterValues;
    private final Consumer<String> say;
    private volatile Map<String, String> localValues = Map.of();

    private LocalStack(Path root, SamTemplate template, StackConfig config, AwsTarget target, Consumer<String> say) {
        this.root = root;
        this.template = template;
        this.config = config;
        this.target = target;
        this.say = say;
        this.ids = new LocalPhysicalIds(config.stackName(), target);
        this.parameterValues = parameterValues(template, config);
        this.intrinsics = new Intrinsics(template, parameterValues, target.region().id(), target.accountId(),
                config.stackName(), ids);
    }

    /**
     * @param root the project directory (holds {@code template.yaml} and {@code local/stack.json})
     */
    public static LocalStack open(Path root, AwsTarget target, Map<String, String> parameterOverrides,
                                  Consumer<String> say) throws IOException {
        SamTemplate template = SamTemplate.load(root.resolve("template.yaml"));
        StackConfig config = StackConfig.load(root.resolve("local/stack.json"));
        if (!target.isEmulator()) {
            // The local values name secrets that exist only on the emulator: a real account gets the template's
            // defaults and what the command line says.
            config = new StackConfig(config.stackName(), Map.of(), Map.of());
        }
        config = config.withParameters(parameterOverrides);
        return new LocalStack(root, template, config, target, say);
    }

    private static Map<String, String> parameterValues(SamTemplate template, StackConfig config) {
        Map<String, String> values = new LinkedHashMap<>();
        template.parameters().forEach((name, declaration) -> {
            Object def = declaration instanceof Map<?, ?> m ? m.get("Default") : null;
            values.put(name, def == null ? "" : stringOf(def));
        });
        config.parameters().forEach((name, value) -> {
            if (values.containsKey(name)) {
                values.put(name, value);
            }
        });
        return values;
    }

    private static String stringOf(Object value) {
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    public SamTemplate template() {
        return template;
    }

    public StackConfig config() {
        return config;
    }

    public AwsTarget target() {
        return target;
    }

    public LocalPhysicalIds ids() {
        return ids;
    }

    public Intrinsics intrinsics() {
        return intrinsics;
    }

    public Map<String, String> parameterValues() {
        return parameterValues;
    }

    public Path root() {
        return root;
    }

    /** Creates the template's queues and the local secrets on the emulator, when missing. */
    public void provision() {
        new Provisioner(target, template, config, ids, intrinsics, say).provision();
    }

    /**
     * Values local mode gives to variables the functions declare (the GitLab double's URL, the local
     * environments...): applied before the {@code --env-vars} overrides, silently skipped for functions that do
     * not declare the variable.
     */
    public void setLocalValues(Map<String, String> values) {
        this.localValues = Map.copyOf(values);
    }

    /** Records a resource that exists already (real AWS, or provisioned by someone else). */
    public void assume(String logicalId, String ref, Map<String, String> attributes) {
        ids.record(logicalId, ref, attributes);
    }

    /**
     * The function's environment variables as Lambda would set them from the template, with the overrides
     * applied (only to variables the template declares, as SAM does).
     */
    public Map<String, String> functionVariables(String logicalId, EnvVarsFile overrides) {
        SamTemplate.Function function = template.function(logicalId);
        Map<String, String> vars = new LinkedHashMap<>();
        function.environment().forEach((name, expression) -> {
            String value;
            try {
                value = intrinsics.resolveString(expression);
            } catch (Intrinsics.Unresolvable | IllegalArgumentException e) {
                value = UNRESOLVED_PREFIX + e.getMessage();
                say.accept("warning: " + logicalId + " " + name + " cannot be resolved locally (" + e.getMessage()
                        + "); it is set to \"" + value + "\". Override it with --env-vars.");
            }
            if (value != null) {
                vars.put(name, value);
            }
        });
        localValues.forEach((name, value) -> {
            if (function.environment().containsKey(name)) {
                vars.put(name, value);
            }
        });
        List<String> ignored = new ArrayList<>();
        overrides.forFunction(logicalId).forEach((name, value) -> {
            if (function.environment().containsKey(name)) {
                vars.put(name, value);
            } else {
                ignored.add(name);
            }
        });
        if (!ignored.isEmpty()) {
            say.accept("note: --env-vars entries not declared for " + logicalId + " in the template are ignored "
                    + "(as in SAM): " + String.join(", ", ignored));
        }
        return vars;
    }

    /**
     * How to run the function: its handler, its complete process environment (Lambda's reserved variables, the
     * AWS target, the function's variables), its code and timeout.
     *
     * @param log where its logs go, or null for this process's stderr
     */
    public FunctionWorker.Spec functionSpec(String logicalId, EnvVarsFile overrides, Path log) {
        SamTemplate.Function function = template.function(logicalId);
        if (function.handler() == null) {
            throw new IllegalArgumentException(logicalId + " has no Handler");
        }
        int timeout = (int) Double.parseDouble(intrinsics.resolveString(function.timeout()));
        String memory = intrinsics.resolveString(function.memorySize());
        String name = ids.name(logicalId);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_FUNCTION_NAME", name);
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/[$LATEST]" + logicalId);
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("_HANDLER", function.handler());
        env.put("LOCAL_ACCOUNT_ID", target.accountId());
        env.putAll(target.functionEnvironment());
        env.putAll(functionVariables(logicalId, overrides));
        return new FunctionWorker.Spec(logicalId, function.handler(), env, classpath(function), Duration.ofSeconds(timeout),
                log);
    }

    /**
     * The function's code ({@code CodeUri}: its shaded jar) followed by the local runtime. When the jar is not
     * built, the code is taken from this process's classpath (which holds every function module).
     */
    private List<Path> classpath(SamTemplate.Function function) {
        List<Path> classpath = new ArrayList<>();
        String codeUri = function.codeUri() == null ? null : intrinsics.resolveString(function.codeUri());
        Path code = codeUri == null ? null : template.baseDirectory().resolve(codeUri);
        if (code != null && Files.exists(code)) {
            classpath.add(code);
        } else {
            say.accept("note: " + function.logicalId() + " code " + code + " is not built; running it from the "
                    + "local module's classpath (bin/local builds it: mvn -DskipTests package)");
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                classpath.add(Path.of(entry));
            }
        }
        classpath.add(codeSource(WorkerMain.class));
        classpath.add(codeSource(com.amazonaws.services.lambda.runtime.serialization.PojoSerializer.class));
        classpath.add(codeSource(com.amazonaws.services.lambda.runtime.Context.class));
        return classpath;
    }

    static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
