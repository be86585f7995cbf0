package dev.fargatescaler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.fargatescaler.testkit.MotoAccounts;
import dev.fargatescaler.testkit.MotoEcsFixture;
import dev.fargatescaler.testkit.MotoServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Each function's deployment artifact (target/&lt;name&gt;-function.jar: the minimized shaded jar, shrunk method by
 * method by ProGuard, functions/shrink.pro) works on its own: a fresh JVM with nothing but the jar and the
 * cold-start launcher on its class path, a clean environment pointing the SDK at moto_server, runs the handler's
 * no-arg constructor and one invocation. Checks the answer, the AWS side effect, and that the Powertools JSON logs
 * still come out (the Log4j plugin cache survived shading). Between them the tests take every AWS call the
 * functions make: SQS SendMessage, Secrets Manager and SSM GetParameter (secrets), SSM GetParametersByPath
 * (environments), DynamoDB UpdateItem and Scan (project registry), STS AssumeRole (an environment in another
 * account), ECS RunTask, ListTasks and DescribeTasks, and the EMF metrics. Classes that minimizeJar or ProGuard
 * wrongly dropped show up here as NoClassDefFoundError, a missing log line or a wrong answer; classes they broke
 * without a test path reaching them, in {@link #everyClassThatLinksInTheShadedJarStillLinksInTheDeployedJar}.
 */
class ShadedJarsWorkTest {

    static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

    static MotoServer moto;
    static SqsClient sqs;
    static WireMockServer gitLab;
    static String environments;

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        var http = UrlConnectionHttpClient.create();
        sqs = SqsClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(http).build();
        try (var secrets = SecretsManagerClient.builder().endpointOverride(URI.create(moto.endpoint()))
                .region(Region.US_EAST_1).credentialsProvider(credentials).httpClient(http).build()) {
            secrets.createSecret(r -> r.name("glfs/webhook-token").secretString(CannedAws.SECRET));
            secrets.createSecret(r -> r.name("glfs/gitlab-api-token").secretString("glpat-shaded-jar-test"));
        }
        environments = MotoEcsFixture.connect(moto.endpoint()).provisionSampleEnvironments();
        gitLab = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        gitLab.start();
        for (String stubs : List.of("scaler-gitlab-jobs.wiremock.json", "sweeper-gitlab-pending-jobs.wiremock.json",
                "reporter-gitlab-jobs.wiremock.json")) {
            try {
                HttpResponse<String> imported = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(gitLab.baseUrl() + "/__admin/mappings/import"))
                        .POST(HttpRequest.BodyPublishers.ofFile(ROOT.resolve("events/" + stubs))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(imported.statusCode()).as(imported.body()).isLessThan(300);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @AfterAll
    static void stopMoto() {
        gitLab.stop();
        sqs.close();
        moto.close();
    }

    record Run(int exitCode, String stdout, String stderr) {

        String result() {
            return stdout.lines().filter(l -> l.startsWith("jvm_to_main=") || l.startsWith("init=")).findFirst()
                    .orElse("");
        }

        List<String> jsonLogs() {
            return stdout.lines().filter(l -> l.startsWith("{\"level\":")).toList();
        }
    }

    /** The deployed artifact: template.yaml's CodeUri. */
    static Path deployedJar(String function) {
        Path jar = ROOT.resolve("functions/" + function + "/target/" + function + "-function.jar");
        assertThat(jar).as("the deployed jar is built by `mvn package`/`verify` before this module's tests")
                .exists();
        return jar;
    }

    /** The shade plugin's output, which the shrink step (root pom, execution "shrink") reads. */
    static Path shadedJar(String function) {
        Path jar = ROOT.resolve("functions/" + function + "/target/" + function + "-shaded.jar");
        assertThat(jar).exists();
        return jar;
    }

    static Run runFunction(String function, String handler, String event, Map<String, String> env,
                           String... javaOptions) throws Exception {
        Path jar = deployedJar(function);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(javaOptions));
        command.addAll(List.of("-cp", jar + java.io.File.pathSeparator + ROOT.resolve("bench/target/classes"),
                "dev.fargatescaler.bench.ColdStart", handler, (event.startsWith("/") ? Path.of(event) : ROOT.resolve(event)).toString()));
        return run(command, function, env);
    }

    static Run run(List<String> command, String function, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(Map.of(
                "PATH", "/usr/bin:/bin", "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "testing",
                "AWS_SECRET_ACCESS_KEY", "testing", "AWS_ENDPOINT_URL", moto.endpoint(),
                "AWS_LAMBDA_FUNCTION_NAME", function, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512",
                "POWERTOOLS_SERVICE_NAME", function, "POWERTOOLS_METRICS_NAMESPACE", "GitLabFargateScaler"));
        builder.environment().putAll(env);
        Path stdout = Files.createTempFile("shaded-" + function, ".out");
        Path stderr = Files.createTempFile("shaded-" + function, ".err");
        Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the function finished within 60 s").isTrue();
        try {
            return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    static List<Message> drain(String queueUrl) {
        List<Message> all = new ArrayList<>();
        List<Message> batch;
        do {
            batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            all.addAll(batch);
        } while (!batch.isEmpty());
        return all;
    }

    @Test
    void theWebhookJarQueuesAPendingJobAndLogsJson() throws Exception {
        String queueUrl = sqs.createQueue(r -> r.queueName("shaded-webhook")).queueUrl();

        Run run = runFunction("webhook", "dev.fargatescaler.webhook.WebhookHandler", "bench/events/webhook-pending.json",
                Map.of("JOB_QUEUE_URL", queueUrl, "WEBHOOK_TOKEN_SECRET", "glfs/webhook-token"));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "ERROR StatusLogger");
        assertThat(run.result()).contains("\"statusCode\":202");
        assertThat(run.jsonLogs()).anySatisfy(line -> assertThat(line)
                .contains("\"message\":\"webhook decision=queued job=1977", "\"function_request_id\":\"req-1\"",
                        "\"job_id\":\"1977\""));
        assertThat(run.stdout()).contains("\"CloudWatchMetrics\"", "\"WebhookQueued\"");
        List<Message> messages = drain(queueUrl);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).body()).contains("\"jobId\":1977");
    }

    @Test
    void theWebhookJarsSnapStartHooksRunWithoutSideEffects() throws Exception {
        String queueUrl = sqs.createQueue(r -> r.queueName("shaded-webhook-snapstart")).queueUrl();

        Run run = runFunction("webhook", "dev.fargatescaler.webhook.WebhookHandler", "bench/events/webhook-pending.json",
                Map.of("JOB_QUEUE_URL", queueUrl, "WEBHOOK_TOKEN_SECRET", "glfs/webhook-token"),
                "-Dbench.snapstart=true", "-Dbench.invocations=3",
                "-Dorg.crac.Core.Compat=dev.fargatescaler.bench.crac");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.result()).contains("prime=", "\"statusCode\":202");
        assertThat(run.jsonLogs()).anySatisfy(line -> assertThat(line).contains("snapstart priming of webhook done"))
                .noneSatisfy(line -> assertThat(line).contains("priming of webhook failed"));
        // Priming marshals a request but sends nothing: the three invocations queue exactly three messages.
        assertThat(drain(queueUrl)).hasSize(3);
    }

    Map<String, String> gitLabEnv(String queueUrl) {
        return Map.of("JOB_QUEUE_URL", queueUrl, "GITLAB_URL", gitLab.baseUrl(),
                "GITLAB_TOKEN_SECRET", "glfs/gitlab-api-token", "ENVIRONMENTS", environments);
    }

    @Test
    void theScalerJarLaunchesTasksForTheSampleBatch() throws Exception {
        String queueUrl = sqs.createQueue(r -> r.queueName("shaded-scaler")).queueUrl();

        Run run = runFunction("scaler", "dev.fargatescaler.scaler.ScalerHandler", "events/scaler-sqs-pending-jobs.json",
                gitLabEnv(queueUrl));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "ERROR StatusLogger");
        // events/README.md: every message is settled except the one GitLab answered 429 for.
        assertThat(run.result()).contains(
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"0b7c8a4e-0000-4000-8000-000000001007\"}]}");
        assertThat(run.jsonLogs()).filteredOn(line -> line.contains("decision=launched")).hasSize(3);
        assertThat(run.stdout()).contains("\"CloudWatchMetrics\"");
    }

    @Test
    void theReporterJarRelaunchesATaskThatFailedToStart() throws Exception {
        String queueUrl = sqs.createQueue(r -> r.queueName("shaded-reporter")).queueUrl();

        Run run = runFunction("reporter", "dev.fargatescaler.reporter.ReporterHandler",
                "events/reporter-stopped-cannot-pull.json", gitLabEnv(queueUrl));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "ERROR StatusLogger");
        assertThat(run.result()).contains("FailedToStart");
        assertThat(run.jsonLogs()).as(run.stdout()).isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("\"function_request_id\":\"req-1\""));
        // events/README.md: the job is still pending in GitLab, so attempt 1 is queued.
        List<Message> relaunch = drain(queueUrl);
        assertThat(relaunch).hasSize(1);
        assertThat(relaunch.get(0).body()).contains("\"attempt\":1");
    }

    @Test
    void theSweeperJarCatchesUpPendingJobs() throws Exception {
        String queueUrl = sqs.createQueue(r -> r.queueName("shaded-sweeper")).queueUrl();
        Map<String, String> env = new java.util.HashMap<>(gitLabEnv(queueUrl));
        env.put("CATCH_UP_PROJECT_IDS", "42");

        Run run = runFunction("sweeper", "dev.fargatescaler.sweeper.SweeperHandler", "events/sweeper-scheduled.json",
                env);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "ERROR StatusLogger");
        assertThat(run.jsonLogs()).anySatisfy(line -> assertThat(line).contains("sweep started"));
        // events/README.md: 2001, 2002 and 2005 are queued (2003 is unroutable; no task runs for 2004 here).
        assertThat(drain(queueUrl)).extracting(Message::body)
                .anySatisfy(body -> assertThat(body).contains("\"jobId\":2001"))
                .anySatisfy(body -> assertThat(body).contains("\"jobId\":2005"));
    }

    @Test
    void theScalerAndReporterSnapStartHooksRunWithoutSideEffects() throws Exception {
        String queueUrl = sqs.createQueue(r -> r.queueName("shaded-snapstart")).queueUrl();
        String[] snapStart = {"-Dbench.snapstart=true", "-Dorg.crac.Core.Compat=dev.fargatescaler.bench.crac"};

        Run scaler = runFunction("scaler", "dev.fargatescaler.scaler.ScalerHandler",
                "events/scaler-sqs-pending-jobs.json", gitLabEnv(queueUrl), snapStart);
        Run reporter = runFunction("reporter", "dev.fargatescaler.reporter.ReporterHandler",
                "events/reporter-stopped-success.json", gitLabEnv(queueUrl), snapStart);

        for (Run run : List.of(scaler, reporter)) {
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.result()).contains("prime=");
            assertThat(run.jsonLogs()).anySatisfy(line -> assertThat(line).containsPattern("snapstart priming of \\w+ done"))
                    .noneSatisfy(line -> assertThat(line).contains("snapstart priming of").contains("failed"));
        }
        // The batch was already launched by theScalerJarLaunchesTasksForTheSampleBatch or is launched now; either
        // way priming itself started nothing: the answer is the same as without priming.
        assertThat(scaler.result()).contains("0b7c8a4e-0000-4000-8000-000000001007");
        assertThat(reporter.result()).contains("Succeeded");
        assertThat(drain(queueUrl)).isEmpty();
    }

    static <T extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<T, ?>> T toMoto(T builder) {
        return builder.endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
    }

    @Test
    void theWebhookJarReadsItsTokenFromSsmAndRecordsTheProjectInDynamoDb() throws Exception {
        String queueUrl = sqs.createQueue(r -> r.queueName("shaded-webhook-ssm")).queueUrl();
        try (SsmClient ssm = toMoto(SsmClient.builder()).httpClient(UrlConnectionHttpClient.create()).build();
             DynamoDbClient dynamo = toMoto(DynamoDbClient.builder()).httpClient(UrlConnectionHttpClient.create())
                     .build()) {
            ssm.putParameter(r -> r.name("/glfs/shaded/webhook-token").type(ParameterType.SECURE_STRING)
                    .value(CannedAws.SECRET));
            // The key schema of template.yaml's ProjectsTable.
            dynamo.createTable(r -> r.tableName("shaded-projects").billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("projectId").keyType(KeyType.HASH))
                    .attributeDefinitions(a -> a.attributeName("projectId").attributeType(ScalarAttributeType.N)));

            Run run = runFunction("webhook", "dev.fargatescaler.webhook.WebhookHandler",
                    "bench/events/webhook-pending.json", Map.of("JOB_QUEUE_URL", queueUrl,
                            "WEBHOOK_TOKEN_SECRET", "ssm:/glfs/shaded/webhook-token",
                            "PROJECTS_TABLE", "shaded-projects"));

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stderr()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException",
                    "ERROR StatusLogger");
            assertThat(run.result()).as("the token read from SSM matched").contains("\"statusCode\":202");
            assertThat(drain(queueUrl)).hasSize(1);
            assertThat(dynamo.getItem(r -> r.tableName("shaded-projects")
                    .key(Map.of("projectId", AttributeValue.fromN("380")))).item())
                    .as("the webhook's project (380) is recorded for the sweeper").isNotEmpty();
        }
    }

    @Test
    void theScalerJarReadsEnvironmentsFromSsmAndLaunchesInAnotherAccountThroughSts() throws Exception {
        String otherAccount = "210987654321";
        String queueUrl = sqs.createQueue(r -> r.queueName("shaded-scaler-ssm")).queueUrl();
        MotoEcsFixture controlPlane = MotoEcsFixture.connect(moto.endpoint());
        MotoEcsFixture there = MotoEcsFixture.connect(moto.endpoint(), Region.US_EAST_1,
                MotoAccounts.credentials(moto.endpoint(), Region.US_EAST_1, otherAccount));
        // Environments of their own (clusters the other tests do not use), production in the other account.
        Map<String, String> environments = Map.of(
                "dev", controlPlane.provision("ssm-dev").environmentJson("[\"fargate\",\"dev\"]", true, 10),
                "staging", controlPlane.provision("ssm-staging").environmentJson("[\"fargate\",\"staging\"]",
                        false, 10),
                "production", there.provision("ssm-production").environmentJson("[\"fargate\",\"production\"]",
                        false, 5, "\"guards\":{\"projectIds\":[42],\"refPattern\":\"main\"},"
                                + "\"assumeRole\":{\"roleArn\":\"arn:aws:iam::" + otherAccount
                                + ":role/glfs-production-control\"}"));
        try (SsmClient ssm = toMoto(SsmClient.builder()).httpClient(UrlConnectionHttpClient.create()).build()) {
            environments.forEach((name, json) -> ssm.putParameter(r -> r.name("/glfs/shaded/environments/" + name)
                    .type(ParameterType.STRING).value(json)));
            ssm.putParameter(r -> r.name("/glfs/shaded/gitlab-api-token").type(ParameterType.SECURE_STRING)
                    .value("glpat-shaded-jar-test"));
        }

        Run run = runFunction("scaler", "dev.fargatescaler.scaler.ScalerHandler", "events/scaler-sqs-pending-jobs.json",
                Map.of("JOB_QUEUE_URL", queueUrl, "GITLAB_URL", gitLab.baseUrl(),
                        "GITLAB_TOKEN_SECRET", "ssm:/glfs/shaded/gitlab-api-token",
                        "ENVIRONMENTS_SSM_PATH", "/glfs/shaded/environments"));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "ERROR StatusLogger");
        assertThat(run.result()).contains(
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"0b7c8a4e-0000-4000-8000-000000001007\"}]}");
        assertThat(run.jsonLogs()).as(run.stdout()).filteredOn(line -> line.contains("decision=launched")).hasSize(3);
        // events/README.md: job 1003 goes to production, whose cluster is in the other account (AssumeRole).
        assertThat(there.runningTasks("glfs-ssm-production")).hasSize(1);
        assertThat(controlPlane.runningTasks("glfs-ssm-dev")).hasSize(1);
    }

    /**
     * Shrinking must not break a class that no test path loads: each class of the deployed jar is linked (and so
     * verified) in a fresh JVM, and every class that links in the shaded jar must still link. The classes that fail
     * in both are the shaded jar's own (optional dependencies left out, e.g. the SDK's CRT signer).
     */
    @ParameterizedTest
    @ValueSource(strings = {"webhook", "scaler", "reporter", "sweeper"})
    void everyClassThatLinksInTheShadedJarStillLinksInTheDeployedJar(String function) throws Exception {
        Set<String> shaded = linkFailures(function, shadedJar(function));
        Set<String> deployed = linkFailures(function, deployedJar(function));

        assertThat(deployed).as("classes that link in the shaded jar but not in the deployed one")
                .isSubsetOf(shaded);
    }

    Set<String> linkFailures(String function, Path jar) throws Exception {
        Run run = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", jar + java.io.File.pathSeparator + ROOT.resolve("bench/target/classes"),
                "dev.fargatescaler.bench.LinkAll", jar.toString()), function, Map.of());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).containsPattern("linked=[1-9][0-9]{3,} failed=");
        return run.stdout().lines().filter(l -> l.startsWith("FAIL ")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Classes named in service files are loaded by name (ServiceLoader, the SDK's interceptor chain). */
    @ParameterizedTest
    @ValueSource(strings = {"webhook", "scaler", "reporter", "sweeper"})
    void everyClassNamedInAServiceFileIsInTheDeployedJar(String function) throws Exception {
        List<String> missing = new ArrayList<>();
        int named = 0;
        try (ZipFile jar = new ZipFile(deployedJar(function).toFile())) {
            Set<String> entries = jar.stream().map(e -> e.getName()).collect(Collectors.toSet());
            for (String file : entries.stream().filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/")
                    || n.endsWith("/execution.interceptors")).sorted().toList()) {
                String text = new String(jar.getInputStream(jar.getEntry(file)).readAllBytes(), StandardCharsets.UTF_8);
                for (String line : text.lines().map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty())
                        .toList()) {
                    named++;
                    if (!entries.contains(line.replace('.', '/') + ".class")) {
                        missing.add(file + ": " + line);
                    }
                }
            }
        }
        assertThat(named).as("service files found").isGreaterThan(5);
        assertThat(missing).isEmpty();
    }
}
