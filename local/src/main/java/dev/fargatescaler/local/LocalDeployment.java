package dev.fargatescaler.local;

import dev.fargatescaler.local.aws.AwsTarget;
import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.local.aws.MotoAdmin;
import dev.fargatescaler.local.deploy.EnvironmentStacks;
import dev.fargatescaler.local.deploy.LocalEnvironments;
import dev.fargatescaler.local.deploy.LocalSecrets;
import dev.fargatescaler.local.start.GitLabDouble;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.regions.Region;

/**
 * What {@code bin/local start}, {@code demo} and {@code invoke} all set up before a function runs: template.yaml
 * deployed on the emulator (its queues, tables... and the local secrets), one environment.yaml stack per entry of
 * {@code local/environments.json}, and the GitLab double (fed with a sample event's GitLab data for invoke), or
 * a real GitLab. {@link #check} reads and checks every input before anything is started.
 */
public final class LocalDeployment implements AutoCloseable {

    /** Secret names local mode uses for the GitLab API token (values in local/stack.json or from --gitlab-token). */
    static final String LOCAL_GITLAB_TOKEN_SECRET = "local/gitlab-api-token";
    static final String USER_GITLAB_TOKEN_SECRET = "local/gitlab-api-token-from-command-line";

    /**
     * @param gitLabUrl   a real GitLab; null for the double fed by {@code local/gitlab-jobs.json}
     * @param gitLabStubs more GitLab data for the double: WireMock stub files (a sample event's)
     * @param simulatedTasks the Fargate simulation says what state each task is in, so the emulator's own state
     *                       progression is switched off; false keeps moto's default (one step per DescribeTasks)
     */
    public record Options(Path root, Map<String, String> parameters, String gitLabUrl, String gitLabToken,
                          List<Path> gitLabStubs, boolean simulatedTasks) {
    }

    /** What {@link #check} found valid, to deploy. */
    public record Checked(Options options, LocalEnvironments environments) {
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private LocalStack stack;
    private EmulatorClients aws;
    private GitLabDouble gitLab;
    private List<EnvironmentStacks.Deployed> environments = List.of();

    private LocalDeployment() {
    }

    /**
     * Reads template.yaml, local/stack.json and local/environments.json and checks them as a deployment would,
     * without starting or creating anything.
     *
     * @throws IllegalArgumentException (template parameters) or
     *         {@link dev.fargatescaler.domain.errors.ConfigurationException} (environments), each with every
     *         problem found
     */
    public static Checked check(Options options, Region region, boolean realAws) throws IOException {
        AwsTarget placeholder = AwsTarget.emulator("http://127.0.0.1:1", region);
        LocalStack stack = LocalStack.open(options.root(), placeholder, realAws ? options.parameters()
                : withEnvironmentAccounts(options), m -> { });
        LocalEnvironments environments = realAws ? null : LocalEnvironments.read(
                options.root().resolve("local/environments.json"),
                stacks(options.root(), placeholder, "http://127.0.0.1:1", stack));
        return new Checked(options, environments);
    }

    /** Deploys what {@link #check} accepted on {@code target}. */
    public static LocalDeployment deploy(Checked checked, AwsTarget target, Consumer<String> say) throws IOException {
        LocalDeployment d = new LocalDeployment();
        try {
            d.deployAll(checked, target, say);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void deployAll(Checked checked, AwsTarget target, Consumer<String> say) throws IOException {
        Options options = checked.options();
        stack = LocalStack.open(options.root(), target, target.isEmulator() ? withEnvironmentAccounts(options)
                : options.parameters(), say);
        aws = new EmulatorClients(target);
        closeables.add(aws);
        Map<String, String> localValues = new LinkedHashMap<>();
        String gitLabUrl = options.gitLabUrl();
        if (gitLabUrl == null) {
            String token = stack.config().secrets().get(LOCAL_GITLAB_TOKEN_SECRET);
            gitLab = new GitLabDouble(options.root().resolve("local/gitlab-jobs.json"), token).start();
            closeables.add(gitLab);
            gitLabUrl = gitLab.url();
            localValues.put("GITLAB_TOKEN_SECRET", LOCAL_GITLAB_TOKEN_SECRET);
            StringBuilder fed = new StringBuilder("local/gitlab-jobs.json (" + gitLab.jobs().size() + " jobs)");
            for (Path stubs : options.gitLabStubs()) {
                fed.append(", ").append(options.root().relativize(stubs.toAbsolutePath().normalize()))
                        .append(" (").append(gitLab.serveStubs(stubs)).append(" stubs)");
            }
            say.accept("GitLab API double at " + gitLab.url() + " serving " + fed);
        } else {
            say.accept("GitLab API at " + gitLabUrl);
        }
        localValues.put("GITLAB_URL", gitLabUrl);
        if (!target.isEmulator()) {
            stack.setLocalValues(localValues);
            return;
        }
        if (options.simulatedTasks()) {
            new MotoAdmin(target.endpoint()).freezeTaskStates();
        }
        stack.provision(aws);
        if (options.gitLabUrl() != null && options.gitLabToken() != null) {
            new LocalSecrets(aws, say).put(USER_GITLAB_TOKEN_SECRET, options.gitLabToken());
            localValues.put("GITLAB_TOKEN_SECRET", USER_GITLAB_TOKEN_SECRET);
        }
        stack.setLocalValues(localValues);
        EnvironmentStacks stacks = stacks(options.root(), target, gitLabUrl, stack);
        List<EnvironmentStacks.Deployed> deployed = new ArrayList<>();
        Map<String, EmulatorClients> accounts = new LinkedHashMap<>();
        for (LocalEnvironments.Entry entry : checked.environments().entries()) {
            EmulatorClients in = aws;
            if (entry.account() != null) {
                in = accounts.computeIfAbsent(entry.account(), a -> new EmulatorClients(target.inAccount(a)));
                closeables.add(in);
            }
            EnvironmentStacks.Deployed d = stacks.deploy(entry, in, aws, say);
            deployed.add(d);
            say.accept("environment " + d.name() + " (stack " + d.stackName() + ", tags " + d.environment().tags()
                    + "): " + String.join(", ", d.created().values()) + "; VPC " + d.network().vpcId()
                    + " (DNS hostnames on), subnets " + d.network().subnetIds() + "; registered at " + d.ssmParameter());
        }
        environments = List.copyOf(deployed);
    }

    private static EnvironmentStacks stacks(Path root, AwsTarget target, String gitLabUrl, LocalStack stack) {
        List<String> functionRoles = new ArrayList<>();
        for (String role : List.of("ScalerRole", "SweeperRole")) {
            String arn = stack.ids().getAtt(role, "AWS::IAM::Role", "Arn");
            functionRoles.add(arn != null ? arn : "arn:aws:iam::" + target.accountId() + ":role/" + stack.ids().name(role));
        }
        return new EnvironmentStacks(root.resolve("environment.yaml"), new EnvironmentStacks.Surroundings(
                target.region().id(), target.accountId(), gitLabUrl,
                stack.parameterValues().getOrDefault("EnvironmentsSsmPath", "/glfs/environments"), functionRoles));
    }

    /**
     * The parameters, with the control plane's EnvironmentRoleArns and EnvironmentAccountIds set from the
     * environments that are in other accounts, as the operator sets them (docs/deploy.md) unless given.
     */
    private static Map<String, String> withEnvironmentAccounts(Options options) {
        Map<String, String> parameters = new LinkedHashMap<>(
                LocalEnvironments.controlPlaneParameters(options.root().resolve("local/environments.json")));
        parameters.putAll(options.parameters());
        return parameters;
    }

    public LocalStack stack() {
        return stack;
    }

    public EmulatorClients aws() {
        return aws;
    }

    /** The GitLab double, or null with a real GitLab. */
    public GitLabDouble gitLab() {
        return gitLab;
    }

    /** The environment stacks deployed on the emulator (none against a real account). */
    public List<EnvironmentStacks.Deployed> environments() {
        return environments;
    }

    @Override
    public void close() {
        List<AutoCloseable> reversed = new ArrayList<>(closeables);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        closeables.clear();
    }
}
