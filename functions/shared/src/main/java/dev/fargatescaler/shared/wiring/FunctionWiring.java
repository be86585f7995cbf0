package dev.fargatescaler.shared.wiring;

import dev.fargatescaler.domain.environment.AccountAccess;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.environment.RefreshingEnvironments;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.webhook.CachingSecretSource;
import dev.fargatescaler.shared.aws.AssumedRoleCredentials;
import dev.fargatescaler.shared.aws.AwsClients;
import dev.fargatescaler.shared.aws.AwsSecretSource;
import dev.fargatescaler.shared.aws.AwsTarget;
import dev.fargatescaler.shared.aws.ClientSettings;
import dev.fargatescaler.shared.aws.DynamoDbProjectRegistry;
import dev.fargatescaler.shared.aws.EcsClusterTasks;
import dev.fargatescaler.shared.aws.EcsTaskLauncher;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.shared.aws.SqsMessageVisibility;
import dev.fargatescaler.shared.config.EnvReader;
import dev.fargatescaler.shared.config.EnvironmentsLoader;
import dev.fargatescaler.shared.config.GitLabSettings;
import dev.fargatescaler.shared.gitlab.GitLabHttpApi;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import dev.fargatescaler.shared.lambda.SnapStartPriming;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The wiring the four functions share: one instance per container, made by a handler's no-arg constructor
 * ({@link #lambda()}) or by its {@code fromEnvironment} factory ({@link #of(Map)}, local mode), and kept by the
 * handler, so it ends up in the SnapStart snapshot. Every SDK client and adapter is built here, on first use, and
 * then reused: one client per AWS service per container, each with its {@link ClientSettings}.
 *
 * <p>Adding an adapter is one method here, built from the clients above it (see {@link #projectsForWebhook}: one
 * client method, one adapter method); the handler then calls it in its wiring.
 *
 * <p><b>Environments in other accounts</b>: their ECS calls go through one ECS client per role per container
 * ({@link #ecsForLaunches(AccountAccess)}, {@link #ecsForSweeps(AccountAccess)}), signed with that role's temporary
 * credentials ({@link AssumedRoleCredentials}), built on the first call for that environment: never at init nor by
 * priming, so no assumed-role credential is in a SnapStart snapshot.
 *
 * <p><b>After a SnapStart restore</b> ({@link #snapStart}): every environments provider made here reloads at once,
 * and every assumed-role client and its credentials are dropped (there are none in a snapshot taken as above; if a
 * snapshot ever held some, the restored container assumes the role afresh rather than use cached credentials).
 * Nothing else read at init needs refreshing; each decision is written down in docs/architecture.md (SnapStart):
 * SDK clients resolve credentials and open connections on first real use, which priming never makes; secrets
 * are never read before the snapshot (the caches are empty in it); the function's variables (GitLab URL, queue
 * URL, TTLs) change only with a new version, hence a new snapshot; clocks are read per call.
 *
 * <p>Benchmarks and tests use this same wiring with another {@link SdkHttpClient} (an in-process fake ECS, fault
 * injection) or {@link AwsTarget} (an emulator), and another HTTP client for GitLab, through the constructors;
 * never a copy of it.
 */
public final class FunctionWiring {

    private static final Logger LOG = LoggerFactory.getLogger(FunctionWiring.class);

    private final Map<String, String> variables;
    private final AwsTarget target;
    private final SdkHttpClient http;
    private final Supplier<HttpClient> gitLabHttp;
    private final Clock clock;
    private final List<RefreshingEnvironments> refreshing = new ArrayList<>();

    private EcsClient ecsForLaunches;
    private EcsClient ecsForSweeps;
    private SqsClient sqs;
    private SqsClient sqsForWebhook;
    private SsmClient ssm;
    private DynamoDbClient dynamoDbForWebhook;
    private DynamoDbClient dynamoDbForSweeps;
    private SecretsManagerClient secretsManager;
    private StsClient sts;
    private final Map<AccountAccess, StsAssumeRoleCredentialsProvider> roleCredentials = new HashMap<>();
    private final Map<AccountAccess, EcsClient> ecsForLaunchesByRole = new HashMap<>();
    private final Map<AccountAccess, EcsClient> ecsForSweepsByRole = new HashMap<>();
    private AwsSecretSource secretStore;
    private CachingSecretSource secrets;
    private GitLabHttpApi gitLab;
    private EmfMetrics metrics;

    /**
     * @param variables the function's environment variables (the process's in Lambda)
     * @param target    region, credentials and, for emulators, endpoint of every SDK client
     * @param http      the HTTP client every SDK client of the container shares
     * @param clock     every time-based decision's clock
     */
    public FunctionWiring(Map<String, String> variables, AwsTarget target, SdkHttpClient http, Clock clock) {
        this(variables, target, http, GitLabHttpApi::defaultHttpClient, clock);
    }

    /** As above, with the HTTP client GitLab's API is called through (benchmarks answer it in-process). */
    public FunctionWiring(Map<String, String> variables, AwsTarget target, SdkHttpClient http,
                          Supplier<HttpClient> gitLabHttp, Clock clock) {
        this.variables = Map.copyOf(variables);
        this.target = Objects.requireNonNull(target);
        this.http = Objects.requireNonNull(http);
        this.gitLabHttp = Objects.requireNonNull(gitLabHttp);
        this.clock = Objects.requireNonNull(clock);
    }

    /** In Lambda: the process's variables, region and credentials. */
    public static FunctionWiring lambda() {
        return new FunctionWiring(System.getenv(), AwsTarget.ofProcess(), AwsClients.httpClient(), Clock.systemUTC());
    }

    /** The same wiring from the given variables (local mode; tests): {@code AWS_ENDPOINT_URL} among them is used. */
    public static FunctionWiring of(Map<String, String> variables) {
        return new FunctionWiring(variables, AwsTarget.of(variables), AwsClients.httpClient(), Clock.systemUTC());
    }

    /** A reader of the function's variables, collecting every problem (call {@link EnvReader#validate()}). */
    public EnvReader variables() {
        return new EnvReader(variables);
    }

    public Clock clock() {
        return clock;
    }

    // ---- SDK clients: one per service per container ----

    /** The scaler's ECS client ({@link ClientSettings#ECS_LAUNCHES}). */
    public synchronized EcsClient ecsForLaunches() {
        if (ecsForLaunches == null) {
            ecsForLaunches = AwsClients.build(EcsClient.builder(), ClientSettings.ECS_LAUNCHES, http, target);
        }
        return ecsForLaunches;
    }

    /** The sweeper's ECS client ({@link ClientSettings#ECS_SWEEPS}). */
    public synchronized EcsClient ecsForSweeps() {
        if (ecsForSweeps == null) {
            ecsForSweeps = AwsClients.build(EcsClient.builder(), ClientSettings.ECS_SWEEPS, http, target);
        }
        return ecsForSweeps;
    }

    /** SQS for the scaler, reporter and sweeper ({@link ClientSettings#SQS}). */
    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = AwsClients.build(SqsClient.builder(), ClientSettings.SQS, http, target);
        }
        return sqs;
    }

    /** The webhook's SQS client, with its retry budget under GitLab's timeout ({@link ClientSettings#SQS_WEBHOOK}). */
    public synchronized SqsClient sqsForWebhook() {
        if (sqsForWebhook == null) {
            sqsForWebhook = AwsClients.build(SqsClient.builder(), ClientSettings.SQS_WEBHOOK, http, target);
        }
        return sqsForWebhook;
    }

    /** SSM for environments and {@code ssm:} secrets ({@link ClientSettings#SSM}). */
    public synchronized SsmClient ssm() {
        if (ssm == null) {
            ssm = AwsClients.build(SsmClient.builder(), ClientSettings.SSM, http, target);
        }
        return ssm;
    }

    /** DynamoDB for the webhook's project sightings ({@link ClientSettings#DYNAMODB_WEBHOOK}). */
    public synchronized DynamoDbClient dynamoDbForWebhook() {
        if (dynamoDbForWebhook == null) {
            dynamoDbForWebhook = AwsClients.build(DynamoDbClient.builder(), ClientSettings.DYNAMODB_WEBHOOK, http,
                    target);
        }
        return dynamoDbForWebhook;
    }

    /** DynamoDB for the sweeper's catch-up projects ({@link ClientSettings#DYNAMODB_SWEEPS}). */
    public synchronized DynamoDbClient dynamoDbForSweeps() {
        if (dynamoDbForSweeps == null) {
            dynamoDbForSweeps = AwsClients.build(DynamoDbClient.builder(), ClientSettings.DYNAMODB_SWEEPS, http,
                    target);
        }
        return dynamoDbForSweeps;
    }

    /** Secrets Manager ({@link ClientSettings#SECRETS_MANAGER}). */
    public synchronized SecretsManagerClient secretsManager() {
        if (secretsManager == null) {
            secretsManager = AwsClients.build(SecretsManagerClient.builder(), ClientSettings.SECRETS_MANAGER, http,
                    target);
        }
        return secretsManager;
    }

    /** STS, for the roles of environments in other accounts ({@link ClientSettings#STS}). */
    public synchronized StsClient sts() {
        if (sts == null) {
            sts = AwsClients.build(StsClient.builder(), ClientSettings.STS, http, target);
        }
        return sts;
    }

    /**
     * The scaler's ECS client for environments reached through {@code account}: {@link #ecsForLaunches()} for the
     * container's own account, else one client per role, signed with the role's credentials.
     */
    public synchronized EcsClient ecsForLaunches(AccountAccess account) {
        if (!account.crossAccount()) {
            return ecsForLaunches();
        }
        return ecsForLaunchesByRole.computeIfAbsent(account, role -> AwsClients.build(EcsClient.builder(),
                ClientSettings.ECS_LAUNCHES, http, target.as(roleCredentials(role))));
    }

    /** The sweeper's ECS client for environments reached through {@code account} (as above). */
    public synchronized EcsClient ecsForSweeps(AccountAccess account) {
        if (!account.crossAccount()) {
            return ecsForSweeps();
        }
        return ecsForSweepsByRole.computeIfAbsent(account, role -> AwsClients.build(EcsClient.builder(),
                ClientSettings.ECS_SWEEPS, http, target.as(roleCredentials(role))));
    }

    /** The role's credentials, one provider per role per container (cached and refreshed by the SDK). */
    synchronized AwsCredentialsProvider roleCredentials(AccountAccess account) {
        return roleCredentials.computeIfAbsent(account, role -> AssumedRoleCredentials.provider(sts(), role,
                AssumedRoleCredentials.sessionName(variables.get("AWS_LAMBDA_FUNCTION_NAME"))));
    }

    // ---- adapters ----

    /** ECS for the scaler: launches, counts, idempotency checks. */
    public EcsTaskLauncher ecsTasks() {
        return new EcsTaskLauncher(this::ecsForLaunches);
    }

    /**
     * ECS for the sweeper's warm-pool keeper: RunTask through the sweeper's client ({@link ClientSettings#ECS_SWEEPS});
     * at most {@code PoolKeeper.MAX_LAUNCHES_PER_RUN} launches a minute, so the scaler's adaptive client is not
     * needed, and the sweeper's container builds no second ECS client.
     */
    public EcsTaskLauncher poolLaunches() {
        // Per account, like the reaper: a pool of an environment in another account starts there, under its role.
        return new EcsTaskLauncher(this::ecsForSweeps);
    }

    /** ECS for the sweeper's reaper. */
    public EcsClusterTasks clusterTasks() {
        return new EcsClusterTasks(this::ecsForSweeps);
    }

    /** The job queue for the scaler, reporter and sweeper. */
    public SqsJobQueue jobQueue(String queueUrl) {
        return new SqsJobQueue(sqs(), queueUrl);
    }

    /** The job queue for the webhook: same adapter, the webhook's SQS client. */
    public SqsJobQueue webhookJobQueue(String queueUrl) {
        return new SqsJobQueue(sqsForWebhook(), queueUrl);
    }

    /** The catch-up's projects table as the webhook writes it (one sighting per call, no scan). */
    public DynamoDbProjectRegistry projectsForWebhook(String table) {
        return new DynamoDbProjectRegistry(dynamoDbForWebhook(), table, 1);
    }

    /** The catch-up's projects table as the sweeper reads and updates it, at most {@code maxProjects} read. */
    public DynamoDbProjectRegistry projectsForSweeps(String table, int maxProjects) {
        return new DynamoDbProjectRegistry(dynamoDbForSweeps(), table, maxProjects);
    }

    public SqsMessageVisibility messageVisibility(String queueUrl) {
        return new SqsMessageVisibility(sqs(), queueUrl);
    }

    /** The uncached secret stores (Secrets Manager, SSM), each client built on first use. */
    public synchronized AwsSecretSource secretStore() {
        if (secretStore == null) {
            secretStore = new AwsSecretSource(this::secretsManager, this::ssm);
        }
        return secretStore;
    }

    /** The container's secret cache (empty in a SnapStart snapshot: nothing reads a secret at init). */
    public synchronized CachingSecretSource secrets(Duration ttl) {
        if (secrets == null) {
            secrets = new CachingSecretSource(secretStore(), ttl, clock);
        }
        return secrets;
    }

    /** GitLab's API as {@code settings} say, with its token from the secret cache. */
    public synchronized GitLabHttpApi gitLab(GitLabSettings settings, Duration secretTtl) {
        if (gitLab == null) {
            CachingSecretSource cache = secrets(secretTtl);
            gitLab = new GitLabHttpApi(gitLabHttp.get(), settings.url(),
                    () -> cache.secret(settings.tokenSecret()), settings.timeout(), clock);
        }
        return gitLab;
    }

    /**
     * The environments from {@code source}; an SSM list is reloaded on its TTL, after each SnapStart restore and
     * on demand (see {@link EnvironmentsLoader}).
     */
    public synchronized EnvironmentsProvider environments(EnvironmentsLoader.Source source, Metrics metrics) {
        EnvironmentsProvider provider = EnvironmentsLoader.provider(source, this::ssm, clock, metrics);
        if (provider instanceof RefreshingEnvironments refreshable) {
            refreshing.add(refreshable);
        }
        return provider;
    }

    /** The container's CloudWatch metrics (EMF), flushed by the handler after each invocation. */
    public synchronized EmfMetrics metrics(String namespace) {
        if (metrics == null) {
            metrics = new EmfMetrics(namespace);
        }
        return metrics;
    }

    // ---- SnapStart ----

    /**
     * Registers the function's SnapStart hooks: {@code prime} before the snapshot, {@link #afterRestore()} after
     * each restore. Keep the returned reference (org.crac holds resources weakly).
     */
    public SnapStartPriming snapStart(String function, Runnable prime) {
        return SnapStartPriming.register(function, prime, this::afterRestore);
    }

    /**
     * What a restored container refreshes: the environments, and the assumed roles' clients and credentials, which
     * are dropped (the next ECS call for such an environment assumes its role again). Never throws (a restore hook
     * must not fail).
     */
    public synchronized void afterRestore() {
        // Only a function that assumed a role touches the STS and ECS classes here: the webhook's and the
        // reporter's artifacts carry neither module (ShadedJarsWorkTest runs this hook in each shaded jar).
        if (!roleCredentials.isEmpty() || !ecsForLaunchesByRole.isEmpty() || !ecsForSweepsByRole.isEmpty()) {
            dropAssumedRoles();
        }
        for (RefreshingEnvironments provider : refreshing) {
            try {
                provider.afterRestore();
            } catch (RuntimeException e) {
                LOG.warn("environments refresh after restore failed: {}", e.toString());
            }
        }
    }

    private void dropAssumedRoles() {
        LOG.info("dropping {} assumed role(s) after the restore: they are assumed again on first use",
                roleCredentials.size());
        roleCredentials.values().forEach(StsAssumeRoleCredentialsProvider::close);
        roleCredentials.clear();
        // Closing a client leaves the shared HTTP client open (the SDK does not close one it was given).
        ecsForLaunchesByRole.values().forEach(EcsClient::close);
        ecsForSweepsByRole.values().forEach(EcsClient::close);
        ecsForLaunchesByRole.clear();
        ecsForSweepsByRole.clear();
    }
}
