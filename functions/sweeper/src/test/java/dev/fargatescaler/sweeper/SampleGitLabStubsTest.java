package dev.fargatescaler.sweeper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.testkit.TestSecrets;
import dev.fargatescaler.testkit.gitlab.GitLabJobsApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hand-written stubs of {@code events/sweeper-gitlab-pending-jobs.wiremock.json} answer every listing request
 * the catch-up can make exactly as testkit's {@link GitLabJobsApi} (GitLab's code, cited there) does: same status,
 * body and pagination headers, the 405 included.
 */
class SampleGitLabStubsTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", "../.."));
    private static WireMockServer stubs;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        stubs = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        stubs.start();
        HttpResponse<String> imported = HTTP.send(HttpRequest.newBuilder(
                        URI.create(stubs.baseUrl() + "/__admin/mappings/import"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        Files.readString(ROOT.resolve("events/sweeper-gitlab-pending-jobs.wiremock.json"))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(imported.statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        stubs.stop();
    }

    @Test
    void theSampleStubsAnswerAsGitLabDoes() throws Exception {
        // The jobs GitLab knows for project 42: those the stubs list (all pending).
        JsonNode listed = Json.MAPPER.readTree(get("scope[]=pending&per_page=100&pagination=keyset&order_by=id&sort=desc")
                .body());
        List<ObjectNode> jobs = new ArrayList<>();
        listed.forEach(j -> jobs.add((ObjectNode) j));
        assertThat(jobs).hasSize(5);
        GitLabJobsApi gitLab = new GitLabJobsApi("https://gitlab.example.com");
        Optional<GitLabJobsApi.Project> project = Optional.of(new GitLabJobsApi.Project(42,
                GitLabJobsApi.Access.REPORTER, jobs));

        for (String query : List.of(
                "scope[]=pending&per_page=100&pagination=keyset&order_by=id&sort=desc",
                "scope[]=pending&per_page=100&pagination=keyset",
                "scope[]=pending&per_page=100&pagination=keyset&order_by=id&sort=asc",
                "scope[]=pending&per_page=100&pagination=keyset&order_by=created_at",
                "scope[]=pending&per_page=100&page=1")) {
            HttpResponse<String> stubbed = get(query);
            GitLabJobsApi.Answer real = gitLab.list(project, "42", query);

            assertThat(stubbed.statusCode()).as(query).isEqualTo(real.status());
            assertThat(Json.MAPPER.readTree(stubbed.body())).as(query).isEqualTo(Json.MAPPER.readTree(real.body()));
            for (String header : List.of("Link", "X-Next-Page", "X-Page", "X-Per-Page", "X-Prev-Page", "X-Total")) {
                assertThat(stubbed.headers().firstValue(header)).as(query + " " + header)
                        .isEqualTo(Optional.ofNullable(real.headers().get(header)));
            }
        }
    }

    private static HttpResponse<String> get(String query) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stubs.baseUrl() + "/api/v4/projects/42/jobs?" + query))
                .header("PRIVATE-TOKEN", TestSecrets.GITLAB_API_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }
}
