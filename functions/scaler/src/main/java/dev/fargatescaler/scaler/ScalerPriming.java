package dev.fargatescaler.scaler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.EnvironmentsSnapshot;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.launch.TaskLaunch;
import dev.fargatescaler.domain.task.TaskNaming;
import dev.fargatescaler.shared.aws.AwsClients;
import dev.fargatescaler.shared.aws.EcsTaskLauncher;
import dev.fargatescaler.shared.lambda.EmfMetrics;
import dev.fargatescaler.shared.lambda.SqsEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the scaler warms before its SnapStart snapshot, without side effects: an SQS event with one queue message
 * parsed and its batch answer written; a GitLab job answer parsed and a Jobs API request built (not sent); for
 * the first environment (if there is one), the ListTasks and RunTask of a launch marshalled and signed but not
 * sent; one EMF
 * document serialised in memory; the JDK's HTTP connection classes loaded. Nothing is kept: no job, task,
 * secret, credential, connection or timestamp (the sample's times are fixed).
 */
final class ScalerPriming {

    private static final Instant FIXED = Instant.parse("2024-01-01T00:00:00Z");
    private static final String GITLAB_JOB = """
            {"id":1,"name":"priming","stage":"test","status":"pending","ref":"main","tag":false,"tag_list":["priming"],
             "pipeline":{"id":1},"web_url":"https://gitlab.example.com/priming/priming/-/jobs/1"}""";

    private ScalerPriming() {
    }

    static void prime(EnvironmentsSnapshot environments, EcsTaskLauncher ecs, EmfMetrics metrics, URI gitLabUrl) {
        try {
            PendingJob job = new PendingJob(1, "priming/priming", 1, "priming", "test", "main", 1L, null, 0,
                    "https://gitlab.example.com", FIXED, FIXED, "1:1:pending", 0, PendingJob.SOURCE_WEBHOOK);
            ObjectNode event = Json.MAPPER.createObjectNode();
            ObjectNode record = event.putArray("Records").addObject();
            record.put("messageId", "priming").put("receiptHandle", "priming").put("eventSource", "aws:sqs")
                    .put("body", PendingJobCodec.toJson(job));
            record.putObject("attributes").put("ApproximateReceiveCount", "1");
            SqsEvents.parse(Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(event)))
                    .forEach(message -> PendingJobCodec.fromJson(message.body()));
            Json.MAPPER.writeValueAsBytes(SqsEvents.batchResponse(List.of()));

            Json.MAPPER.readTree(GITLAB_JOB);
            HttpRequest.newBuilder(gitLabUrl.resolve("/api/v4/projects/1/jobs/1")).header("PRIVATE-TOKEN", "priming")
                    .GET().build();

            // No environment yet (or none readable at init): the ECS calls are then warmed by the first launch.
            if (environments.available() && !environments.empty()) {
                Environment environment = environments.environments().all().get(0);
                // With a task size, so that the size overrides' marshalling (a size class's launch) is primed too;
                // nothing is sent.
                ecs.prime(new TaskLaunch(environment, environment.startedBy(1, 1), environment.group(),
                        TaskNaming.clientToken(environment.name(), 1, 1, 0), false,
                        Map.of("glfs:environment", environment.name(), "glfs:job-id", "1"),
                        Map.of("GLFS_ENVIRONMENT", environment.name(), "GLFS_JOB_ID", "1"),
                        new dev.fargatescaler.domain.environment.TaskSize(1024, 2048, 21)));
            }
            metrics.prime();
            AwsClients.primeHttp();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
