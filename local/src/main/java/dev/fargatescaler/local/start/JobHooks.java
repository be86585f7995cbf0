package dev.fargatescaler.local.start;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.local.fargate.RunnerIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Job Hooks as GitLab sends them to the webhook: the delivery headers of
 * https://docs.gitlab.com/user/project/integrations/webhooks/#delivery-headers and a body of
 * {@code lib/gitlab/data_builder/build.rb}'s shape, built over the recorded GitLab.com payload of
 * {@code events/webhook-success.json} (the shared fixture). GitLab executes hooks asynchronously (a Sidekiq
 * worker, {@code WebHookWorker}) and never retries one ({@code app/services/web_hook_service.rb}): so does this.
 */
public final class JobHooks implements AutoCloseable {

    private final URI url;
    private final String token;
    private final ObjectNode template;
    private final Consumer<String> problems;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gitlab-job-hooks");
        t.setDaemon(true);
        return t;
    });

    public JobHooks(URI url, String token, Path root, Consumer<String> problems) throws IOException {
        this.url = url;
        this.token = token;
        this.template = (ObjectNode) Json.MAPPER.readTree(sampleBody(root, "events/webhook-success.json"));
        this.problems = problems;
    }

    /** The Job Hook for a job's new status; the runner is GitLab's {@code build_runner} object. */
    ObjectNode body(GitLabDouble.Job job, String status, Instant startedAt, Instant finishedAt, Duration queued,
                    RunnerIdentity runner) {
        ObjectNode body = template.deepCopy();
        body.put("build_id", job.id());
        body.put("build_name", job.name());
        body.put("build_stage", job.stage());
        body.put("build_status", status);
        body.put("project_id", job.projectId());
        putTime(body, "build_started_at", startedAt);
        putTime(body, "build_finished_at", finishedAt);
        if (startedAt != null && finishedAt != null) {
            body.put("build_duration", Duration.between(startedAt, finishedAt).toMillis() / 1000d);
        } else {
            body.putNull("build_duration");
        }
        body.put("build_queued_duration", queued.toMillis() / 1000d);
        body.putNull("build_failure_reason");
        if (!"success".equals(status) && !"running".equals(status)) {
            body.put("build_failure_reason", "runner_system_failure");
        }
        ObjectNode r = body.putObject("runner");
        r.put("id", runner.id());
        r.put("description", runner.description());
        r.put("runner_type", "project_type");
        r.put("active", true);
        r.put("is_shared", false);
        var tags = r.putArray("tags");
        runner.tags().forEach(tags::add);
        return body;
    }

    /** Sends a hook in the background, as GitLab does; an answer other than 2xx is reported, never retried. */
    void send(JsonNode body) {
        sender.execute(() -> {
            try {
                HttpResponse<String> response = http.send(request(url, token, Json.MAPPER.writeValueAsBytes(body),
                        UUID.randomUUID().toString()), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    problems.accept("Job Hook for job " + body.path("build_id").asLong() + " ("
                            + body.path("build_status").asText() + ") answered " + response.statusCode() + " "
                            + response.body());
                }
            } catch (IOException e) {
                problems.accept("Job Hook for job " + body.path("build_id").asLong() + " not delivered: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** A Job Hook request with GitLab's delivery headers. */
    static HttpRequest request(URI url, String token, byte[] body, String idempotencyKey) {
        return HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitLab/17.5.0")
                .header("X-Gitlab-Event", "Job Hook")
                .header("X-Gitlab-Token", token)
                .header("X-Gitlab-Instance", "https://gitlab.example.com")
                .header("X-Gitlab-Webhook-UUID", UUID.randomUUID().toString())
                .header("X-Gitlab-Event-UUID", UUID.randomUUID().toString())
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** The Job Hook body of a sample API Gateway event in {@code events/}. */
    static byte[] sampleBody(Path root, String eventFile) throws IOException {
        JsonNode event = Json.MAPPER.readTree(Files.readAllBytes(root.resolve(eventFile)));
        String body = event.path("body").asText();
        return event.path("isBase64Encoded").asBoolean(false)
                ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }

    private static void putTime(ObjectNode node, String field, Instant at) {
        if (at == null) {
            node.putNull(field);
        } else {
            // The hook's times are "YYYY-MM-DD HH:MM:SS UTC" (the recorded payload's format).
            node.put(field, at.toString().replace('T', ' ').replaceAll("\\.[0-9]+", "").replace("Z", " UTC"));
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
