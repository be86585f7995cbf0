package dev.fargatescaler.sweeper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.lifecycle.CatchUp;
import dev.fargatescaler.domain.lifecycle.CatchUpProjects;
import dev.fargatescaler.domain.lifecycle.Reaper;
import dev.fargatescaler.domain.lifecycle.Sweeper;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.routing.Router;
import dev.fargatescaler.shared.aws.DynamoDbProjectRegistry;
import dev.fargatescaler.shared.aws.EcsClusterTasks;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.shared.gitlab.GitLabHttpApi;
import dev.fargatescaler.testkit.MotoClients;
import dev.fargatescaler.testkit.MotoEcsFixture;
import dev.fargatescaler.testkit.MotoServer;
import dev.fargatescaler.testkit.MotoTaskTimes;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The sweeper end to end: the real ECS adapter against moto_server (with {@link MotoTaskTimes}, because moto
 * reports no task timestamps), the real GitLab adapter against WireMock serving
 * {@code events/sweeper-gitlab-pending-jobs.wiremock.json}, the real SQS queue adapter against moto_server.
 */
class SweeperHandlerTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", "../.."));

    private static MotoServer moto;
    private static WireMockServer gitlab;
    private static MotoEcsFixture fixture;
    private static SqsClient sqs;

    private final RecordingMetrics metrics = new RecordingMetrics();
    private final MotoTaskTimes times = new MotoTaskTimes();
    private Environments environments;
    private EcsClient ecs;
    private String queueUrl;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        gitlab.start();
        fixture = MotoEcsFixture.connect(moto.endpoint());
        fixture.freezeTaskStates();
        sqs = MotoClients.build(SqsClient.builder(), moto.endpoint());
    }

    @AfterAll
    static void stop() {
        gitlab.stop();
        moto.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        moto.reset();
        fixture.freezeTaskStates();
        gitlab.resetAll();
        environments = EnvironmentParser.parseArray(fixture.provisionSampleEnvironments(), "ENVIRONMENTS");
        ecs = EcsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("testing", "testing")))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(times).build())
                .build();
        queueUrl = sqs.createQueue(r -> r.queueName("jobs")).queueUrl();
        String mappings = Files.readString(ROOT.resolve("events/sweeper-gitlab-pending-jobs.wiremock.json"));
        HttpResponse<String> imported = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gitlab.baseUrl() + "/__admin/mappings/import"))
                .POST(HttpRequest.BodyPublishers.ofString(mappings)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(imported.statusCode()).isEqualTo(200);
    }

    @Test
    void reapsTheOverdueTaskAndQueuesPendingJobsThatHaveNoTask() throws Exception {
        // dev's maxTaskLifetime is the default, 3 h
        String overdue = runTask("dev", "glfs/dev/42/1999");
        String young = runTask("dev", "glfs/dev/42/2004");
        String foreign = runTask("dev", "nightly-batch");
        Instant now = Instant.now();
        times.created(overdue, now.minus(Duration.ofHours(4)))
                .created(young, now.minus(Duration.ofMinutes(5)))
                .created(foreign, now.minus(Duration.ofHours(10)));

        JsonNode summary = invoke(handler(), null);

        assertThat(summary.at("/reaper/reaped").asInt()).isEqualTo(1);
        assertThat(summary.at("/reaper/tasksSeen").asInt()).as("the foreign task is not ours").isEqualTo(2);
        Task stopped = describe("glfs-dev", overdue);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stoppedReason()).startsWith("glfs-reaper: running for ");
        assertThat(describe("glfs-dev", young).desiredStatus()).isEqualTo("RUNNING");
        assertThat(describe("glfs-dev", foreign).desiredStatus()).isEqualTo("RUNNING");

        assertThat(summary.at("/catchUp/pages").asInt()).as("five pending jobs fit one page of 100").isEqualTo(1);
        assertThat(summary.at("/catchUp/pendingSeen").asInt()).isEqualTo(5);
        assertThat(summary.at("/catchUp/alreadyRunning").asInt()).isEqualTo(1);
        assertThat(summary.at("/catchUp/skipped").asInt()).as("the gpu job").isEqualTo(1);
        assertThat(summary.at("/catchUp/queued").asInt()).isEqualTo(3);
        List<PendingJob> queued = drainQueue();
        assertThat(queued).extracting(PendingJob::jobId).containsExactlyInAnyOrder(2001L, 2002L, 2005L);
        assertThat(queued).allSatisfy(job -> {
            assertThat(job.source()).isEqualTo(PendingJob.SOURCE_CATCH_UP);
            assertThat(job.projectId()).isEqualTo(42);
            assertThat(job.projectPath()).isEqualTo("platform/api");
        });
        assertThat(metrics.sum("TasksReaped", "Environment", "dev")).isEqualTo(1);
        assertThat(metrics.sum("CatchUpQueued")).isEqualTo(3);
    }

    @Test
    void withoutAnyListedProjectTheCatchUpWalksTheProjectsTheWebhookSaw() throws Exception {
        DynamoDbClient dynamo = MotoClients.build(DynamoDbClient.builder(), moto.endpoint());
        dynamo.createTable(r -> r.tableName("glfs-projects").billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("projectId").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("projectId").attributeType(ScalarAttributeType.N)));
        DynamoDbProjectRegistry registry = new DynamoDbProjectRegistry(dynamo, "glfs-projects", 100);
        // What the webhook's adapter writes for an authenticated Job Hook of project 42 (and an old one of 7).
        registry.seen(42, Instant.now().minusSeconds(30));
        registry.seen(7, Instant.now().minus(Duration.ofDays(8)));

        JsonNode summary = invoke(handler(new CatchUpProjects(List.of(), registry, Duration.ofDays(7), metrics,
                Clock.systemUTC())), null);

        assertThat(summary.at("/catchUp/projects").asInt()).as("7 is no longer active").isEqualTo(1);
        assertThat(summary.at("/catchUp/queued").asInt()).isEqualTo(4);
        assertThat(drainQueue()).extracting(PendingJob::jobId).containsExactlyInAnyOrder(2001L, 2002L, 2004L, 2005L);
        assertThat(registry.projects()).filteredOn(p -> p.projectId() == 42).singleElement()
                .satisfies(p -> assertThat(p.lastSweptAt()).isNotNull());
        assertThat(metrics.sum(CatchUpProjects.METRIC_PROJECTS)).isEqualTo(1);
        assertThat(summary.at("/catchUp/sweepAgeSeconds").asLong()).isBetween(25L, 120L);
    }

    @Test
    void aRateLimitedGitLabEndsTheCatchUpButNotTheReaper() throws Exception {
        gitlab.resetAll();
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/42/jobs"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "60")));
        String overdue = runTask("staging", "glfs/staging/42/1998");
        times.created(overdue, Instant.now().minus(Duration.ofHours(5)));

        JsonNode summary = invoke(handler(), null);

        assertThat(summary.at("/reaper/reaped").asInt()).isEqualTo(1);
        assertThat(summary.at("/catchUp/stoppedBy").asText()).isEqualTo("GitLabRateLimited");
        assertThat(drainQueue()).isEmpty();
        assertThat(metrics.sum("CatchUpInterrupted", "Reason", "GitLabRateLimited")).isEqualTo(1);
    }

    @Test
    void stopsNewWorkWhenTheInvocationRunsOutOfTime() throws Exception {
        String overdue = runTask("dev", "glfs/dev/42/1997");
        times.created(overdue, Instant.now().minus(Duration.ofHours(5)));

        JsonNode summary = invoke(handler(), new FakeContext(5_000));

        assertThat(summary.at("/reaper/reaped").asInt()).isZero();
        assertThat(summary.at("/reaper/unknownEnvironments")).hasSize(3);
        assertThat(summary.at("/catchUp/stoppedBy").asText()).isEqualTo("TimeBudget");
        assertThat(describe("glfs-dev", overdue).desiredStatus()).isEqualTo("RUNNING");
    }

    @Test
    void theGlobalTaskAgeLetsLocalModeShowTheReaper() throws Exception {
        String task = runTask("dev", "glfs/dev/42/1996");
        System.setProperty(MotoTaskTimes.AGE_PROPERTY, "PT4H");
        try {
            // No explicit interceptor: the SDK loads testkit's global registration when the client is built.
            ecs = MotoClients.build(EcsClient.builder(), moto.endpoint());
        } finally {
            System.clearProperty(MotoTaskTimes.AGE_PROPERTY);
        }

        JsonNode summary = invoke(handler(), null);

        assertThat(summary.at("/reaper/reaped").asInt()).isEqualTo(1);
        assertThat(describe("glfs-dev", task).stoppedReason()).startsWith("glfs-reaper: running for 1440");
    }

    private SweeperHandler handler() {
        return handler(new CatchUpProjects(List.of(42L), null, Duration.ofDays(7), metrics, Clock.systemUTC()));
    }

    private SweeperHandler handler(CatchUpProjects projects) {
        GitLabHttpApi api = new GitLabHttpApi(GitLabHttpApi.defaultHttpClient(), URI.create(gitlab.baseUrl()),
                () -> dev.fargatescaler.testkit.TestSecrets.GITLAB_API_TOKEN, Duration.ofSeconds(15), Clock.systemUTC());
        Reaper reaper = new Reaper(new EcsClusterTasks(ecs), metrics, Clock.systemUTC());
        CatchUp catchUp = new CatchUp(api, new SqsJobQueue(sqs, queueUrl), new Router(environments), metrics,
                Clock.systemUTC());
        return new SweeperHandler(new Sweeper(environments, reaper, catchUp, projects,
                new CatchUp.Limits(20, 100)), metrics, Duration.ofSeconds(10));
    }

    private JsonNode invoke(SweeperHandler handler, Context context) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(Files.newInputStream(ROOT.resolve("events/sweeper-scheduled.json")), out, context);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    private String runTask(String environment, String startedBy) {
        var env = environments.named(environment).orElseThrow();
        return ecs.runTask(r -> r.cluster(env.cluster()).taskDefinition(env.taskDefinition())
                        .launchType(LaunchType.FARGATE).startedBy(startedBy).group(env.group())
                        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(env.subnets())
                                .securityGroups(env.securityGroups()).assignPublicIp(AssignPublicIp.DISABLED))))
                .tasks().get(0).taskArn();
    }

    private Task describe(String cluster, String taskArn) {
        return ecs.describeTasks(r -> r.cluster(cluster).tasks(taskArn)).tasks().get(0);
    }

    private List<PendingJob> drainQueue() {
        List<PendingJob> jobs = new ArrayList<>();
        List<Message> batch;
        do {
            batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            batch.forEach(m -> jobs.add(PendingJobCodec.fromJson(m.body())));
        } while (!batch.isEmpty());
        return jobs;
    }

    /** A Lambda context whose remaining time is fixed. */
    private record FakeContext(int remainingMillis) implements Context {
        @Override public String getAwsRequestId() { return "req-1"; }
        @Override public String getLogGroupName() { return "/aws/lambda/sweeper"; }
        @Override public String getLogStreamName() { return "stream"; }
        @Override public String getFunctionName() { return "sweeper"; }
        @Override public String getFunctionVersion() { return "1"; }
        @Override public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:123456789012:function:sweeper";
        }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return remainingMillis; }
        @Override public int getMemoryLimitInMB() { return 512; }
        @Override public LambdaLogger getLogger() { return null; }
    }
}
