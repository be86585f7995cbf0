package dev.fargatescaler.local;

import dev.fargatescaler.local.aws.AwsTarget;
import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.local.aws.StackConfig;
import dev.fargatescaler.local.deploy.LocalPhysicalIds;
import dev.fargatescaler.local.deploy.LocalSecrets;
import dev.fargatescaler.local.deploy.ResourceTypes;
import dev.fargatescaler.local.deploy.StackDeployer;
import dev.fargatescaler.local.runtime.AotCache;
import dev.fargatescaler.local.runtime.FunctionWorker;
import dev.fargatescaler.local.runtime.WorkerMain;
import dev.fargatescaler.local.runtime.WorkerRuntimeJar;
import dev.fargatescaler.local.template.SamTemplate;
import dev.fargatescaler.testkit.template.CfnEvaluator;
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
 * template.yaml deployed "locally": its parameters (defaults, then {@code local/stack.json}, then command-line
 * overrides), evaluated by testkit's {@link CfnEvaluator}; what was created on the emulator; and each
 * function's resolved configuration, ready to run in a {@link FunctionWorker}.
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
    private final CfnEvaluator evaluator;
    private final Consumer<String> say;
    private volatile Map<String, String> localValues = Map.of();

    private LocalStack(Path root, SamTemplate template, StackConfig config, Map<String, String> parameters,
                       AwsTarget target, Consumer<String> say) {
        this.root = root;
        this.template = template;
        this.config = config;
        this.target = target;
        this.say = say;
        this.ids = new LocalPhysicalIds(config.stackName(), target.region().id(), target.accountId(),
                ResourceTypes.types());
        this.evaluator = new CfnEvaluator(template.raw(), parameters, new CfnEvaluator.Deployment(target.region().id(),
                target.accountId(), config.stackName()), ids);
    }

    /**
     * @param root the project directory (holds {@code template.yaml} and {@code local/stack.json})
     * @throws dev.fargatescaler.local.cli.UserError listing every parameter problem CloudFormation would refuse
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
        Map<String, String> parameters = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        config.parameters().forEach((name, value) -> {
            if (template.parameters().containsKey(name)) {
                parameters.put(name, value);
            } else {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            say.accept("note: local/stack.json parameters that template.yaml no longer declares are ignored: "
                    + String.join(", ", unknown));
        }
        // Command-line values are not filtered: a misspelt name is an error, as CloudFormation makes it.
        parameters.putAll(parameterOverrides);
        LocalStack stack = new LocalStack(root, template, config.withParameters(parameterOverrides), parameters,
                target, say);
        List<String> problems = stack.evaluator.problems();
        if (!problems.isEmpty()) {
            throw dev.fargatescaler.local.cli.UserError.problems("template.yaml cannot be deployed with these "
                    + "parameters (local/stack.json, --parameter-overrides)", problems);
        }
        return stack;
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

    public CfnEvaluator evaluator() {
        return evaluator;
    }

    /** Every parameter's value as text (lists joined with commas). */
    public Map<String, String> parameterValues() {
        Map<String, String> values = new LinkedHashMap<>();
        evaluator.parameters().forEach((name, value) -> values.put(name, value instanceof List<?> list
                ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(value)));
        return values;
    }

    public Path root() {
        return root;
    }

    /**
     * Creates what the template declares and local mode knows how to create ({@code ResourceTypes}), and the
     * local secrets, on the emulator, when missing.
     */
    public Map<String, String> provision(EmulatorClients aws) {
        if (!target.isEmulator()) {
            throw new IllegalStateException("local mode provisions nothing in a real AWS account");
        }
        LocalSecrets secrets = new LocalSecrets(aws, say);
        config.secrets().forEach(secrets::createIfMissing);
        Map<String, String> created = new StackDeployer(evaluator, ids, aws, say).deploy();
        created.forEach((id, what) -> say.accept(id + ": " + what));
        return created;
    }

    /**
     * Values local mode gives to variables the functions declare (the GitLab double's URL...): applied before the
     * {@code --env-vars} overrides, silently skipped for functions that do not declare the variable.
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
        return functionVariables(logicalId, overrides, say);
    }

    private Map<String, String> functionVariables(String logicalId, EnvVarsFile overrides, Consumer<String> notes) {
        SamTemplate.Function function = template.function(logicalId);
        Map<String, String> vars = new LinkedHashMap<>();
        function.environment().forEach((name, expression) -> {
            String value;
            try {
                value = evaluator.resolveString(expression);
            } catch (CfnEvaluator.Unresolvable | IllegalArgumentException e) {
                value = UNRESOLVED_PREFIX + e.getMessage();
                notes.accept("warning: " + logicalId + " " + name + " cannot be resolved locally (" + e.getMessage()
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
            notes.accept("note: --env-vars entries not declared for " + logicalId + " in the template are ignored "
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
        int timeout = (int) Double.parseDouble(evaluator.resolveString(function.timeout()));
        String memory = evaluator.resolveString(function.memorySize());
        String name = ids.name(logicalId);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
        env.put("AWS_LAMBDA_FUNCTION_NAME", name);
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/[$LATEST]" + logicalId);
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("_HANDLER", function.handler());
        env.put("LOCAL_ACCOUNT_ID", target.accountId());
        env.putAll(target.functionEnvironment());
        env.putAll(functionVariables(logicalId, overrides, say));
        FunctionWorker.Spec spec = new FunctionWorker.Spec(logicalId, function.handler(), env, classpath(function),
                Duration.ofSeconds(timeout), log);
        return aotEnabled() ? spec.withAot(new AotCache(aotDirectory(), say)) : spec;
    }

    /**
     * Where the functions' AOT caches (and the worker runtime's jar) are written: under the local build, so that
     * {@code mvn clean} clears them with the jars they belong to (docs/local-mode.md, "Worker start and the AOT
     * cache").
     */
    public Path aotDirectory() {
        return root.resolve("local").resolve("target").resolve("aot");
    }

    /** {@code LOCAL_AOT=off} starts every worker on the plain JVM (and writes no cache). */
    static boolean aotEnabled() {
        return !"off".equalsIgnoreCase(System.getenv().getOrDefault("LOCAL_AOT", ""));
    }

    /**
     * The function's code ({@code CodeUri}: its shaded jar) followed by the local runtime. When the jar is not
     * built, the code is taken from this process's classpath (which holds every function module).
     */
    private List<Path> classpath(SamTemplate.Function function) {
        List<Path> classpath = new ArrayList<>();
        String codeUri = function.codeUri() == null ? null : evaluator.resolveString(function.codeUri());
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
        classpath.add(workerRuntime());
        classpath.add(codeSource(com.amazonaws.services.lambda.runtime.serialization.PojoSerializer.class));
        classpath.add(codeSource(com.amazonaws.services.lambda.runtime.Context.class));
        return classpath;
    }

    /** The local runtime's worker classes as a jar (an AOT cache takes jars only), else where they are. */
    private Path workerRuntime() {
        Path classes = codeSource(WorkerMain.class);
        try {
            return WorkerRuntimeJar.of(classes, aotDirectory());
        } catch (IOException e) {
            say.accept("note: cannot write the worker runtime's jar in " + aotDirectory() + " (" + e.getMessage()
                    + "); workers run it from " + classes + " and start without an AOT cache");
            return classes;
        }
    }

    static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
