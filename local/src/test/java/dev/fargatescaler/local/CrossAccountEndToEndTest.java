package dev.fargatescaler.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.lifecycle.ReaperReason;
import dev.fargatescaler.reporter.ReporterHandler;
import dev.fargatescaler.scaler.ScalerHandler;
import dev.fargatescaler.sweeper.SweeperHandler;
import dev.fargatescaler.testkit.MotoAccounts;
import dev.fargatescaler.testkit.MotoClients;
import dev.fargatescaler.testkit.MotoEcsFixture;
import dev.fargatescaler.testkit.MotoServer;
import dev.fargatescaler.testkit.TestSecrets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * An environment in a second AWS account, end to end through the production wiring of the scaler, the reporter and
 * the sweeper (their {@code fromEnvironment} factories, as local mode builds them) against one moto_server that
 * holds both accounts (see {@link MotoAccounts}: moto attributes a request to the account of its access key, and
 * AssumeRole's credentials to the role's account). The control plane's functions run with the control plane
 * account's (dummy) credentials; only the role's credentials reach the second account. Both accounts have a
 * cluster {@code glfs-production}, so the account alone tells where a call went.
 */
class CrossAccountEndToEndTest {

    private static final String PRODUCTION_ACCOUNT = "210987654321";
    private static final String ROLE = "arn:aws:iam::" + PRODUCTION_ACCOUNT + ":role/glfs-production-control";
    private static final long PROJECT = 42;
    private static final long JOB = 5001;

    private static MotoServer moto;
    private static WireMockServer gitLab;
    private static MotoEcsFixture controlPlane;
    private static MotoEcsFixture production;
    private static StaticCredentialsProvider productionCredentials;
    private static SqsClient sqs;
    private static String queueUrl;
    private static Map<String, String> variables;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        gitLab = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        gitLab.start();
        // GitLab's GET /projects/:id/jobs/:job_id for a pending job tagged production (fields the scaler reads;
        // format: events/scaler-gitlab-jobs.wiremock.json, from GitLab's API docs).
        gitLab.stubFor(get(urlPathMatching("/api/v4/projects/" + PROJECT + "/jobs/" + JOB))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":" + JOB + ",\"name\":\"deploy\",\"stage\":\"deploy\",\"status\":\"pending\","
                                + "\"ref\":\"main\",\"tag\":false,\"tag_list\":[\"production\"],\"pipeline\":{\"id\":77,"
                                + "\"project_id\":" + PROJECT + "},\"web_url\":\"" + gitLab.baseUrl()
                                + "/platform/api/-/jobs/" + JOB + "\"}")));
        controlPlane = MotoEcsFixture.connect(moto.endpoint());
        controlPlane.freezeTaskStates();
        productionCredentials = MotoAccounts.credentials(moto.endpoint(), Region.US_EAST_1, PRODUCTION_ACCOUNT);
        production = MotoEcsFixture.connect(moto.endpoint(), Region.US_EAST_1, productionCredentials);
        MotoEcsFixture.Provisioned decoy = controlPlane.provision("production");
        MotoEcsFixture.Provisioned there = production.provision("production");
        // A task of ours in the control plane account's same-named cluster: a sweep that listed the wrong account
        // would see it.
        controlPlane.ecs().runTask(r -> r.cluster(decoy.cluster()).taskDefinition(decoy.taskDefinitionFamily())
                .launchType("FARGATE").startedBy("glfs/production/" + PROJECT + "/9999").group("glfs:production")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(decoy.subnets())
                        .securityGroups(decoy.securityGroups()))));
        sqs = MotoClients.build(SqsClient.builder(), moto.endpoint());
        queueUrl = sqs.createQueue(r -> r.queueName("glfs-jobs")).queueUrl();
        MotoClients.build(SecretsManagerClient.builder(), moto.endpoint())
                .createSecret(r -> r.name("glfs/gitlab-api-token").secretString(TestSecrets.GITLAB_API_TOKEN));
        variables = new HashMap<>();
        variables.put("AWS_ENDPOINT_URL", moto.endpoint());
        variables.put("AWS_REGION", "us-east-1");
        variables.put("AWS_ACCESS_KEY_ID", "testing");
        variables.put("AWS_SECRET_ACCESS_KEY", "testing");
        variables.put("GITLAB_URL", gitLab.baseUrl());
        variables.put("GITLAB_TOKEN_SECRET", "glfs/gitlab-api-token");
        variables.put("JOB_QUEUE_URL", queueUrl);
        variables.put("ENVIRONMENTS", "[" + there.environmentJson("[\"production\"]", false, 3,
                "\"assumeRole\":{\"roleArn\":\"" + ROLE + "\",\"externalId\":\"glfs-e2e-1\"}") + "]");
    }

    @AfterAll
    static void stop() {
        gitLab.stop();
        moto.close();
    }

    @Test
    void aJobRunsInTheSecondAccountIsReportedFromThereRelaunchedThereAndSweptThere() throws Exception {
        ScalerHandler scaler = ScalerHandler.fromEnvironment(variables);
        ReporterHandler reporter = ReporterHandler.fromEnvironment(variables);
        SweeperHandler sweeper = SweeperHandler.fromEnvironment(variables);
        PendingJob job = new PendingJob(PROJECT, "platform/api", JOB, "deploy", "deploy", "main", 77L, null, null,
                null, null, Instant.now(), PROJECT + ":" + JOB + ":pending", 0, PendingJob.SOURCE_WEBHOOK);

        // 1. The scaler launches the job in the second account.
        JsonNode launched = invoke(scaler, sqsEvent("m-1", PendingJobCodec.toJson(job)));
        assertThat(launched.get("batchItemFailures")).isEmpty();
        List<Task> tasks = jobTasks(production);
        assertThat(tasks).singleElement().satisfies(t -> assertThat(t.taskArn()).contains(":" + PRODUCTION_ACCOUNT + ":"));
        assertThat(jobTasks(controlPlane)).as("nothing of the job in the control plane's account").isEmpty();
        String taskArn = tasks.get(0).taskArn();

        // 2. Its task is stopped before it ran the job; the event comes from the second account.
        production.ecs().stopTask(r -> r.cluster("glfs-production").task(taskArn)
                .reason(ReaperReason.stuck("PENDING", Duration.ofMinutes(11), Duration.ofMinutes(10))));
        ObjectNode stopped = taskEvent(taskArn, 2);
        assertThat(stopped.path("detail").path("clusterArn").asText()).contains(":" + PRODUCTION_ACCOUNT + ":");

        // An event naming the environment from another account's cluster is not believed.
        ObjectNode forged = stopped.deepCopy();
        forged.put("account", MotoAccounts.DEFAULT_ACCOUNT);
        ((ObjectNode) forged.get("detail")).put("clusterArn", "arn:aws:ecs:us-east-1:" + MotoAccounts.DEFAULT_ACCOUNT
                + ":cluster/glfs-production");
        assertThat(invoke(reporter, forged.toString()).path("reason").asText()).isEqualTo("WrongAccount");
        assertThat(messages()).as("nothing relaunched for the forged event").isEmpty();

        JsonNode report = invoke(reporter, stopped.toString());
        assertThat(report.path("action").asText()).isEqualTo("reported");
        assertThat(report.path("report").path("environment").asText()).isEqualTo("production");
        assertThat(report.path("report").path("relaunch").asText()).isEqualTo("queued");

        // 3. The relaunch goes through the queue to the scaler, which starts attempt 1 in the second account.
        List<Message> relaunch = messages();
        assertThat(relaunch).hasSize(1);
        assertThat(PendingJobCodec.fromJson(relaunch.get(0).body()).attempt()).isEqualTo(1);
        assertThat(invoke(scaler, sqsEvent("m-2", relaunch.get(0).body())).get("batchItemFailures")).isEmpty();
        assertThat(jobTasks(production)).singleElement().satisfies(t -> {
            assertThat(t.taskArn()).isNotEqualTo(taskArn).contains(":" + PRODUCTION_ACCOUNT + ":");
            assertThat(t.overrides().containerOverrides().get(0).environment())
                    .anyMatch(v -> v.name().equals("GLFS_ATTEMPT") && v.value().equals("1"));
        });
        assertThat(jobTasks(controlPlane)).isEmpty();

        // 4. The sweeper lists the second account's cluster (its one task), not the control plane's decoy.
        JsonNode sweep = invoke(sweeper, "{\"source\":\"aws.events\",\"time\":\"" + Instant.now() + "\"}");
        assertThat(sweep.path("reaper").path("tasksSeen").asInt()).isEqualTo(1);
        assertThat(sweep.path("reaper").path("unknownEnvironments")).isEmpty();
    }

    /** The job's tasks that ECS has not stopped, in the account of {@code fixture}. */
    private static List<Task> jobTasks(MotoEcsFixture fixture) {
        return fixture.runningTasks("glfs-production").stream()
                .filter(t -> ("glfs/production/" + PROJECT + "/" + JOB).equals(t.startedBy()))
                .filter(t -> !"STOPPED".equals(t.lastStatus())).toList();
    }

    private static List<Message> messages() {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
    }

    private static JsonNode invoke(com.amazonaws.services.lambda.runtime.RequestStreamHandler handler, String event)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    private static String sqsEvent(String id, String body) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode record = root.putArray("Records").addObject();
        record.put("messageId", id).put("receiptHandle", id).put("body", body).put("eventSource", "aws:sqs");
        record.putObject("attributes").put("ApproximateReceiveCount", "1");
        return root.toString();
    }

    /**
     * The ECS Task State Change event the second account forwards: EventBridge's envelope around the task as
     * DescribeTasks returns it (an event's {@code detail} is the Task object,
     * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html), read with that
     * account's credentials (moto routes by the credential scope's service and takes the account from the key).
     */
    private static ObjectNode taskEvent(String taskArn, int version) throws Exception {
        String key = productionCredentials.resolveCredentials().accessKeyId();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(moto.endpoint() + "/"))
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeTasks")
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + key
                        + "/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=00")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"cluster\":\"glfs-production\",\"tasks\":[\"" + taskArn + "\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        ObjectNode detail = (ObjectNode) Json.MAPPER.readTree(response.body()).get("tasks").get(0);
        detail.put("version", version);
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "0");
        event.put("id", "e2e-" + version);
        event.put("detail-type", "ECS Task State Change");
        event.put("source", "aws.ecs");
        event.put("account", PRODUCTION_ACCOUNT);
        event.put("region", "us-east-1");
        event.putArray("resources").add(taskArn);
        event.set("detail", detail);
        return event;
    }
}
