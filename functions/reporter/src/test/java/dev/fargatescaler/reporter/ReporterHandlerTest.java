package dev.fargatescaler.reporter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.domain.report.PriceTable;
import dev.fargatescaler.domain.report.Relauncher;
import dev.fargatescaler.domain.report.TaskEventMemory;
import dev.fargatescaler.domain.report.TaskReport;
import dev.fargatescaler.domain.report.TaskReporter;
import dev.fargatescaler.shared.aws.SqsJobQueue;
import dev.fargatescaler.shared.gitlab.GitLabHttpApi;
import dev.fargatescaler.testkit.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The reporter end to end on the sample events: the real GitLab adapter against WireMock, the real SQS queue
 * adapter against moto_server.
 */
class ReporterHandlerTest {

    private static final String TOKEN = dev.fargatescaler.testkit.TestSecrets.GITLAB_API_TOKEN;

    private static MotoServer moto;
    private static WireMockServer gitlab;
    private static SqsClient sqs;

    private String queueUrl;
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final List<TaskReport> reports = new ArrayList<>();
    private ReporterHandler handler;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        gitlab = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        gitlab.start();
        sqs = SqsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        gitlab.stop();
        moto.close();
    }

    @BeforeEach
    void wire() {
        gitlab.resetAll();
        queueUrl = sqs.createQueue(r -> r.queueName("jobs-" + System.nanoTime())).queueUrl();
        handler = handler(queueUrl, 2);
    }

    private ReporterHandler handler(String queue, int maxRelaunches) {
        GitLabHttpApi api = new GitLabHttpApi(GitLabHttpApi.defaultHttpClient(), URI.create(gitlab.baseUrl()),
                () -> TOKEN, Duration.ofSeconds(2), Clock.systemUTC());
        Relauncher relauncher = new Relauncher(api, new SqsJobQueue(sqs, queue), metrics, maxRelaunches,
                Clock.systemUTC());
        return new ReporterHandler(new TaskReporter(relauncher, reports::add, metrics, new TaskEventMemory(1000),
                PriceTable.DEFAULT,
                new dev.fargatescaler.domain.environment.Environments(java.util.List.of()), "x86_64"), metrics);
    }

    @Test
    void reportsEverySampleEventAndIgnoresTheForeignOne() throws Exception {
        importMappings("reporter-gitlab-jobs.wiremock.json");

        assertThat(invoke("running").get("action").asText()).isEqualTo("observed");
        assertThat(invoke("deprovisioning").get("action").asText()).isEqualTo("observed");
        assertThat(invoke("foreign-stopped").get("reason").asText()).isEqualTo("Foreign");
        JsonNode success = invoke("stopped-success");
        JsonNode failed = invoke("stopped-exit-nonzero");
        JsonNode pull = invoke("stopped-cannot-pull");
        JsonNode init = invoke("stopped-resource-initialization");
        JsonNode spot = invoke("stopped-spot-interruption");
        JsonNode notice = invoke("stopped-termination-notice");
        JsonNode reaped = invoke("stopped-reaped");

        assertThat(success.at("/report/outcome").asText()).isEqualTo("Succeeded");
        assertThat(success.at("/report/start_latency_ms").asLong()).isEqualTo(23_701);
        assertThat(success.at("/report/run_ms").asLong()).isEqualTo(362_104);
        assertThat(success.at("/report/cost_usd").asDouble()).isEqualTo(0.00418);
        assertThat(failed.at("/report/outcome").asText()).isEqualTo("RunnerFailed");
        assertThat(failed.at("/report/exit_code").asInt()).isEqualTo(1);
        assertThat(pull.at("/report/reason").asText()).isEqualTo("CannotPullContainerError");
        assertThat(pull.at("/report/relaunch").asText()).isEqualTo("queued");
        assertThat(init.at("/report/reason").asText()).isEqualTo("ResourceInitializationError");
        assertThat(init.at("/report/relaunch").asText()).isEqualTo("queued");
        assertThat(spot.at("/report/outcome").asText()).isEqualTo("SpotInterrupted");
        assertThat(spot.at("/report/relaunch").asText()).as("the runner had taken the job").isEqualTo("job-not-pending");
        assertThat(notice.at("/report/outcome").asText()).isEqualTo("SpotInterrupted");
        assertThat(notice.at("/report/relaunch").asText()).isEqualTo("queued");
        assertThat(reaped.at("/report/outcome").asText()).isEqualTo("Reaped");

        List<PendingJob> queued = drainQueue();
        assertThat(queued).extracting(PendingJob::jobId).containsExactlyInAnyOrder(1979L, 88001L, 1981L);
        assertThat(queued).extracting(PendingJob::attempt).containsExactlyInAnyOrder(1, 2, 2);
        assertThat(queued).allSatisfy(job -> {
            assertThat(job.source()).isEqualTo(PendingJob.SOURCE_RELAUNCH);
            assertThat(job.projectPath()).isEqualTo("gitlab-org/gitlab-test");
        });
        gitlab.verify(getRequestedFor(urlPathEqualTo("/api/v4/projects/380/jobs/1979"))
                .withHeader("PRIVATE-TOKEN", equalTo(TOKEN)));
        assertThat(metrics.sum("TasksStopped")).isEqualTo(7);
        assertThat(metrics.sum("RelaunchQueued")).isEqualTo(3);
    }

    @Test
    void givesUpAfterTheConfiguredAttempts() throws IOException {
        stubJob(1981, "pending");
        handler = handler(queueUrl, 1);

        JsonNode answer = invoke("stopped-termination-notice");

        assertThat(answer.at("/report/relaunch").asText()).isEqualTo("gave-up");
        assertThat(drainQueue()).isEmpty();
        assertThat(metrics.sum("RelaunchGaveUp", "Environment", "dev")).isEqualTo(1);
    }

    @Test
    void aDeletedJobIsNotRelaunched() throws IOException {
        // GitLab's answer for a job missing from a readable project: RecordNotFound (gitlabhq lib/api/api.rb).
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/380/jobs/1979")).willReturn(notFound()
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"404 Not found\"}")));

        assertThat(invoke("stopped-cannot-pull").at("/report/relaunch").asText()).isEqualTo("job-not-found");
        assertThat(drainQueue()).isEmpty();
    }

    @Test
    void aJobTheTokenCannotSeeIsRelaunchedUnverifiedNotDropped() throws IOException {
        // find_project! (gitlabhq lib/api/helpers.rb): a project the token's user cannot read, or none at all.
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/380/jobs/1979")).willReturn(notFound()
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"404 Project Not Found\"}")));

        assertThat(invoke("stopped-cannot-pull").at("/report/relaunch").asText()).isEqualTo("queued-unverified");
        assertThat(drainQueue()).hasSize(1);
        assertThat(metrics.sum("JobNotVisible")).isEqualTo(1);
    }

    @Test
    void aRateLimitedGitLabDoesNotStrandTheJob() throws IOException {
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/380/jobs/1979"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));

        assertThat(invoke("stopped-cannot-pull").at("/report/relaunch").asText()).isEqualTo("queued-unverified");
        assertThat(drainQueue()).singleElement().extracting(PendingJob::attempt).isEqualTo(1);
        assertThat(metrics.sum("RelaunchCheckFailed")).isEqualTo(1);
    }

    @Test
    void anUnreachableQueueFailsTheInvocationSoThatLambdaRetriesIt() throws IOException {
        stubJob(1979, "pending");
        handler = handler(queueUrl.replaceAll("[^/]+$", "no-such-queue"), 2);

        assertThatThrownBy(() -> invoke("stopped-cannot-pull")).isInstanceOf(RetryableException.class);
        assertThat(reports).isEmpty();
        assertThat(metrics.sum("TasksStopped")).isZero();
    }

    @Test
    void answersMalformedInputWithoutFailing() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream("{not json".getBytes()), out, null);

        assertThat(Json.MAPPER.readTree(out.toByteArray()).get("reason").asText()).isEqualTo("MalformedEvent");
        assertThat(metrics.sum("TaskEventsIgnored", "Reason", "MalformedEvent")).isEqualTo(1);
    }

    private JsonNode invoke(String event) throws IOException {
        Path path = Path.of(System.getProperty("project.root"), "events", "reporter-" + event + ".json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(Files.newInputStream(path), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    /** The WireMock mappings that local mode serves too (events/README.md). */
    private static void importMappings(String file) throws Exception {
        String mappings = Files.readString(Path.of(System.getProperty("project.root"), "events", file));
        java.net.http.HttpResponse<String> imported = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create(gitlab.baseUrl() + "/__admin/mappings/import"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(mappings)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(imported.statusCode()).isEqualTo(200);
    }

    private void stubJob(long jobId, String status) throws IOException {
        Path fixture = Path.of(System.getProperty("project.root"),
                "functions/domain/src/test/resources/fixtures/jobs-api-pending.synthetic.json");
        ObjectNode job = (ObjectNode) Json.MAPPER.readTree(Files.readString(fixture));
        job.put("id", jobId);
        job.put("status", status);
        job.put("web_url", gitlab.baseUrl() + "/gitlab-org/gitlab-test/-/jobs/" + jobId);
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/380/jobs/" + jobId))
                .willReturn(okJson(Json.MAPPER.writeValueAsString(job))));
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
}
