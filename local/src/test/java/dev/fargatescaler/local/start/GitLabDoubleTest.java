package dev.fargatescaler.local.start;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitLabDoubleTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(GitLabDouble gitLab, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gitLab.url() + path));
        if (token != null) {
            request.header("PRIVATE-TOKEN", token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path file(Path dir, String jobs) throws IOException {
        return Files.writeString(dir.resolve("gitlab-jobs.json"),
                "{\"projects\":{\"380\":{\"path\":\"g/p\"}},\"jobs\":[" + jobs + "]}");
    }

    @Test
    void answersTheJobsApiFromTheFileLikeGitLab(@TempDir Path dir) throws Exception {
        Path file = file(dir, "{\"project\":380,\"id\":1977,\"status\":\"pending\",\"tags\":[\"dev\"]},"
                + "{\"project\":380,\"id\":1978,\"status\":\"success\",\"tags\":[\"staging\"]}");
        try (GitLabDouble gitLab = new GitLabDouble(file, "tok").start()) {
            HttpResponse<String> job = get(gitLab, "/api/v4/projects/380/jobs/1977", "tok");
            JsonNode body = Json.MAPPER.readTree(job.body());
            assertThat(job.statusCode()).isEqualTo(200);
            assertThat(body.path("status").asText()).isEqualTo("pending");
            assertThat(body.path("tag_list").get(0).asText()).isEqualTo("dev");
            assertThat(body.path("pipeline").path("project_id").asLong()).isEqualTo(380);

            JsonNode pending = Json.MAPPER.readTree(get(gitLab, "/api/v4/projects/380/jobs?scope[]=pending&per_page=100",
                    "tok").body());
            assertThat(pending).hasSize(1);
            assertThat(pending.get(0).path("id").asLong()).isEqualTo(1977);

            assertThat(get(gitLab, "/api/v4/projects/380/jobs/9999", "tok").statusCode()).isEqualTo(404);
            assertThat(get(gitLab, "/api/v4/projects/380/jobs/1977", null).statusCode()).isEqualTo(401);
            assertThat(get(gitLab, "/api/v4/projects/380/jobs/1977", "wrong").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void listsAndRefusesAsGitLabsCodeDoes(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("gitlab-jobs.json"), "{\"projects\":{\"380\":{\"path\":\"g/p\"},"
                + "\"381\":{\"access\":\"guest\"},\"382\":{\"access\":\"none\"}},\"jobs\":["
                + "{\"project\":380,\"id\":1,\"status\":\"pending\"},{\"project\":380,\"id\":2,\"status\":\"pending\"},"
                + "{\"project\":380,\"id\":3,\"status\":\"pending\"},{\"project\":381,\"id\":4,\"status\":\"pending\"},"
                + "{\"project\":382,\"id\":5,\"status\":\"pending\"}]}");
        try (GitLabDouble gitLab = new GitLabDouble(file, "tok").start()) {
            HttpResponse<String> keyset = get(gitLab,
                    "/api/v4/projects/380/jobs?scope[]=pending&per_page=2&pagination=keyset&order_by=id&sort=desc", "tok");
            assertThat(keyset.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(keyset.body()).get(0).path("id").asLong()).as("newest first").isEqualTo(3);
            assertThat(keyset.headers().firstValue("Link")).get().asString().contains("cursor=").contains("rel=\"next\"");
            assertThat(keyset.headers().firstValue("X-Next-Page")).isEmpty();

            HttpResponse<String> ascending = get(gitLab,
                    "/api/v4/projects/380/jobs?scope[]=pending&pagination=keyset&order_by=id&sort=asc", "tok");
            assertThat(ascending.statusCode()).isEqualTo(405);
            assertThat(ascending.body()).contains("Keyset pagination is not yet available for this type of request");

            HttpResponse<String> offset = get(gitLab, "/api/v4/projects/380/jobs?scope[]=pending&per_page=2&page=2", "tok");
            assertThat(offset.headers().firstValue("X-Next-Page")).contains("");
            assertThat(offset.headers().firstValue("X-Total")).isEmpty();

            assertThat(get(gitLab, "/api/v4/projects/381/jobs/4", "tok").statusCode()).isEqualTo(403);
            assertThat(get(gitLab, "/api/v4/projects/382/jobs/5", "tok").body()).contains("404 Project Not Found");
            assertThat(get(gitLab, "/api/v4/projects/999/jobs?scope[]=pending", "tok").body())
                    .contains("404 Project Not Found");
            assertThat(get(gitLab, "/api/v4/projects/380/jobs/77", "tok").body()).isEqualTo("{\"message\":\"404 Not found\"}");
            assertThat(get(gitLab, "/api/v4/nothing", "tok").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void jobsFollowTheirTasksAndTheFileIsReReadWhenItChanges(@TempDir Path dir) throws Exception {
        Path file = file(dir, "{\"project\":380,\"id\":1977,\"status\":\"pending\",\"tags\":[\"dev\"]}");
        try (GitLabDouble gitLab = new GitLabDouble(file, "tok").start()) {
            gitLab.jobRunning(1977);
            assertThat(Json.MAPPER.readTree(get(gitLab, "/api/v4/projects/380/jobs/1977", "tok").body())
                    .path("status").asText()).isEqualTo("running");
            gitLab.jobFinished(1977);
            assertThat(Json.MAPPER.readTree(get(gitLab, "/api/v4/projects/380/jobs/1977", "tok").body())
                    .path("status").asText()).isEqualTo("success");

            file(dir, "{\"project\":380,\"id\":2001,\"status\":\"pending\",\"tags\":[\"gpu\"]}");
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
            gitLab.reloadIfChanged();
            assertThat(get(gitLab, "/api/v4/projects/380/jobs/2001", "tok").statusCode()).isEqualTo(200);
            assertThat(get(gitLab, "/api/v4/projects/380/jobs/1977", "tok").statusCode()).isEqualTo(404);
        }
    }

    private static Path projectRoot() {
        String root = System.getProperty("project.root");
        return Path.of(root == null ? ".." : root).toAbsolutePath().normalize();
    }

    private static final dev.fargatescaler.local.fargate.RunnerIdentity DEV = new dev.fargatescaler.local.fargate
            .RunnerIdentity(7, "glfs-dev", "dev", null, java.util.List.of("fargate", "dev"), false);

    @Test
    void aRunnerGetsTheOldestPendingJobWhoseTagsAreAllAmongItsOwn(@TempDir Path dir) throws Exception {
        Path file = file(dir, "{\"project\":380,\"id\":12,\"status\":\"pending\",\"tags\":[\"dev\"]},"
                + "{\"project\":380,\"id\":10,\"status\":\"pending\",\"tags\":[\"dev\",\"gpu\"]},"
                + "{\"project\":380,\"id\":11,\"status\":\"pending\",\"tags\":[]},"
                + "{\"project\":380,\"id\":13,\"status\":\"success\",\"tags\":[\"dev\"]},"
                + "{\"project\":380,\"id\":14,\"status\":\"pending\",\"tags\":[\"fargate\",\"dev\"],\"duration\":9}");
        try (GitLabDouble gitLab = new GitLabDouble(file, "tok").start()) {
            Instant now = Instant.now().plusSeconds(3);
            // 10 needs gpu, 11 is untagged (this runner does not run untagged jobs), 13 is not pending.
            var first = gitLab.request(DEV, now).orElseThrow();
            assertThat(first.jobId()).isEqualTo(12);
            assertThat(first.queuedDuration()).isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(2));
            var second = gitLab.request(DEV, now).orElseThrow();
            assertThat(second.jobId()).isEqualTo(14);
            assertThat(second.runsFor()).isEqualTo(java.time.Duration.ofSeconds(9));
            assertThat(gitLab.request(DEV, now)).as("nothing left for this runner").isEmpty();
            var untagged = new dev.fargatescaler.local.fargate.RunnerIdentity(8, "glfs-any", "any", null,
                    java.util.List.of(), true);
            assertThat(gitLab.request(untagged, now).orElseThrow().jobId()).isEqualTo(11);

            JsonNode taken = Json.MAPPER.readTree(get(gitLab, "/api/v4/projects/380/jobs/12", "tok").body());
            assertThat(taken.path("status").asText()).isEqualTo("running");
            assertThat(taken.path("runner").path("id").asLong()).isEqualTo(7);
            assertThat(taken.path("queued_duration").asDouble()).isGreaterThanOrEqualTo(2.0);
            JsonNode pending = Json.MAPPER.readTree(get(gitLab, "/api/v4/projects/380/jobs?scope[]=pending", "tok")
                    .body());
            assertThat(pending).extracting(j -> j.path("id").asLong()).containsExactly(10L);

            gitLab.finish(12, "success", now.plusSeconds(5));
            assertThat(gitLab.status(gitLab.jobs().stream().filter(j -> j.id() == 12).findFirst().orElseThrow()))
                    .isEqualTo("success");
        }
    }

    @Test
    void aJobsQueueTimeCountsFromWhenItBecamePendingOnce(@TempDir Path dir) throws Exception {
        Path file = file(dir, "{\"project\":380,\"id\":12,\"status\":\"pending\",\"tags\":[\"dev\"]}");
        try (GitLabDouble gitLab = new GitLabDouble(file, "tok").start()) {
            gitLab.pendingNow(12);
            Instant announced = Instant.now();
            gitLab.pendingNow(12); // a second delivery of the same event does not move queued_at
            var taken = gitLab.request(DEV, announced.plusSeconds(4)).orElseThrow();
            assertThat(taken.queuedDuration()).isBetween(java.time.Duration.ofSeconds(3),
                    java.time.Duration.ofSeconds(5));
            var added = gitLab.addPendingJob(380, 99, "new", java.util.List.of("dev"), null);
            assertThat(gitLab.request(DEV, Instant.now()).orElseThrow().jobId()).isEqualTo(added.id());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> gitLab.addPendingJob(380, 99, "again",
                    java.util.List.of(), null)).hasMessageContaining("exists already");
        }
    }

    @Test
    void sendsGitLabsJobHooksToTheWebhookWhenARunnerTakesAndFinishesAJob(@TempDir Path dir) throws Exception {
        Path file = file(dir, "{\"project\":380,\"id\":12,\"name\":\"test\",\"status\":\"pending\","
                + "\"tags\":[\"dev\"]}");
        java.util.concurrent.BlockingQueue<JsonNode> received = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.BlockingQueue<String> headers = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer webhook = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/webhook", exchange -> {
            headers.add(exchange.getRequestHeaders().getFirst("X-Gitlab-Event") + "|"
                    + exchange.getRequestHeaders().getFirst("X-Gitlab-Token"));
            received.add(Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
        try (GitLabDouble gitLab = new GitLabDouble(file, "tok").start();
             JobHooks hooks = new JobHooks(URI.create("http://127.0.0.1:" + webhook.getAddress().getPort()
                     + "/webhook"), "hook-token", projectRoot(), problem -> { })) {
            gitLab.sendHooks(hooks);
            Instant now = Instant.now();
            gitLab.request(DEV, now).orElseThrow();
            JsonNode running = received.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(running).isNotNull();
            assertThat(headers.poll()).isEqualTo("Job Hook|hook-token");
            assertThat(running.path("build_status").asText()).isEqualTo("running");
            assertThat(running.path("build_id").asLong()).isEqualTo(12);
            assertThat(running.path("build_queued_duration").isNumber()).isTrue();
            assertThat(running.path("runner").path("tags")).extracting(JsonNode::asText)
                    .containsExactly("fargate", "dev");
            // What the webhook's parser reads from it (the production code, not a copy).
            assertThat(dev.fargatescaler.domain.timetojob.JobStartParser.parse(running)).get()
                    .satisfies(start -> assertThat(start.runnerTags()).containsExactlyInAnyOrder("fargate", "dev"));
            gitLab.finish(12, "success", now.plusSeconds(3));
            JsonNode success = received.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(success.path("build_status").asText()).isEqualTo("success");
            assertThat(success.path("build_duration").asDouble()).isEqualTo(3.0);
        } finally {
            webhook.stop(0);
        }
    }
}
