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
}
