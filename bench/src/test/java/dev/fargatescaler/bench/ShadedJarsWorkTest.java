package dev.fargatescaler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Each function's deployment artifact (the minimized shaded jar) works on its own: a fresh JVM with nothing but
 * the jar and the cold-start launcher on its class path, a clean environment pointing the SDK at moto_server,
 * runs the handler's no-arg constructor and one invocation. Checks the answer, the AWS side effect, and that the
 * Powertools JSON logs still come out (the Log4j plugin cache survived shading). Classes that minimizeJar
 * wrongly dropped would show up here as NoClassDefFoundError or a missing log line.
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

    static Run runFunction(String function, String handler, String event, Map<String, String> env,
                           String... javaOptions) throws Exception {
        Path jar = ROOT.resolve("functions/" + function + "/target/" + function + "-function.jar");
        assertThat(jar).as("the shaded jar is built by `mvn package`/`verify` before this module's tests")
                .exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(javaOptions));
        command.addAll(List.of("-cp", jar + java.io.File.pathSeparator + ROOT.resolve("bench/target/classes"),
                "dev.fargatescaler.bench.ColdStart", handler, (event.startsWith("/") ? Path.of(event) : ROOT.resolve(event)).toString()));
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
}
