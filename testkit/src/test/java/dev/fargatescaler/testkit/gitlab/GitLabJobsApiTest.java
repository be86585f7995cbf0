package dev.fargatescaler.testkit.gitlab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class GitLabJobsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final GitLabJobsApi api = new GitLabJobsApi("https://gitlab.example.com");

    private static ObjectNode job(long id, String status) {
        return JSON.createObjectNode().put("id", id).put("status", status);
    }

    private static Optional<GitLabJobsApi.Project> project(GitLabJobsApi.Access access, long... ids) {
        List<ObjectNode> jobs = new ArrayList<>();
        LongStream.of(ids).forEach(id -> jobs.add(job(id, id % 10 == 0 ? "success" : "pending")));
        return Optional.of(new GitLabJobsApi.Project(7, access, jobs));
    }

    private static List<Long> ids(GitLabJobsApi.Answer answer) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (JsonNode node : JSON.readTree(answer.body())) {
            ids.add(node.path("id").asLong());
        }
        return ids;
    }

    @Test
    void keysetIsNewestFirstAndAnnouncedOnlyByALinkWithACursor() throws Exception {
        var project = project(GitLabJobsApi.Access.REPORTER, 1, 2, 3, 4, 5, 10);

        GitLabJobsApi.Answer first = api.list(project, "7", "scope[]=pending&per_page=2&pagination=keyset"
                + "&order_by=id&sort=desc");

        assertThat(first.status()).isEqualTo(200);
        assertThat(ids(first)).containsExactly(5L, 4L);
        assertThat(first.headers()).doesNotContainKeys("X-Next-Page", "X-Page", "X-Total");
        String link = first.headers().get("Link");
        assertThat(link).startsWith("<https://gitlab.example.com/api/v4/projects/7/jobs?cursor=").endsWith(">; rel=\"next\"")
                .contains("&id=7&order_by=id&page=1&pagination=keyset&per_page=2&scope%5B%5D=pending&sort=desc");

        String next = URI.create(link.substring(1, link.indexOf('>'))).getRawQuery();
        GitLabJobsApi.Answer second = api.list(project, "7", next);
        assertThat(ids(second)).containsExactly(3L, 2L);
        String last = second.headers().get("Link");
        GitLabJobsApi.Answer third = api.list(project, "7", URI.create(last.substring(1, last.indexOf('>'))).getRawQuery());
        assertThat(ids(third)).containsExactly(1L);
        assertThat(third.headers()).doesNotContainKey("Link");
    }

    @Test
    void keysetWithoutOrderParametersDefaultsToIdDescending() throws Exception {
        GitLabJobsApi.Answer answer = api.list(project(GitLabJobsApi.Access.REPORTER, 1, 2), "7", "pagination=keyset");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(ids(answer)).containsExactly(2L, 1L);
    }

    @Test
    void keysetInAnyOtherOrderIs405() {
        for (String order : List.of("order_by=id&sort=asc", "sort=asc", "order_by=created_at", "order_by=name&sort=desc")) {
            GitLabJobsApi.Answer answer = api.list(project(GitLabJobsApi.Access.REPORTER, 1), "7",
                    "pagination=keyset&" + order);
            assertThat(answer.status()).as(order).isEqualTo(405);
            assertThat(answer.body()).isEqualTo(
                    "{\"error\":\"Keyset pagination is not yet available for this type of request\"}");
        }
    }

    @Test
    void offsetPaginationHasPageHeadersButNoTotals() throws Exception {
        var project = project(GitLabJobsApi.Access.REPORTER, 1, 2, 3);

        GitLabJobsApi.Answer first = api.list(project, "7", "scope[]=pending&per_page=2&page=1");
        GitLabJobsApi.Answer second = api.list(project, "7", "scope[]=pending&per_page=2&page=2");

        assertThat(ids(first)).containsExactly(3L, 2L);
        assertThat(first.headers()).containsEntry("X-Next-Page", "2").containsEntry("X-Prev-Page", "")
                .containsEntry("X-Page", "1").containsEntry("X-Per-Page", "2")
                .doesNotContainKeys("X-Total", "X-Total-Pages");
        assertThat(first.headers().get("Link")).contains("rel=\"next\"").contains("rel=\"first\"")
                .doesNotContain("rel=\"last\"");
        assertThat(ids(second)).containsExactly(1L);
        assertThat(second.headers()).containsEntry("X-Next-Page", "");
        assertThat(second.headers().get("Link")).doesNotContain("rel=\"next\"");
    }

    @Test
    void perPageIsCappedAtOneHundredAndOffsetsPastTheLimitAre405() throws Exception {
        long[] many = LongStream.rangeClosed(1, 150).toArray();
        assertThat(ids(api.list(project(GitLabJobsApi.Access.REPORTER, many), "7", "per_page=500"))).hasSize(100);
        assertThat(api.list(project(GitLabJobsApi.Access.REPORTER, many), "7", "per_page=100&page=501").status())
                .isEqualTo(405);
    }

    @Test
    void projectAndJobVisibility() {
        assertThat(api.job(Optional.empty(), 1).body()).isEqualTo("{\"message\":\"404 Project Not Found\"}");
        assertThat(api.job(project(GitLabJobsApi.Access.NONE, 1), 1).status()).isEqualTo(404);
        assertThat(api.job(project(GitLabJobsApi.Access.NONE, 1), 1).body()).contains("Project Not Found");
        assertThat(api.job(project(GitLabJobsApi.Access.GUEST, 1), 1).status()).isEqualTo(403);
        assertThat(api.job(project(GitLabJobsApi.Access.GUEST, 1), 1).body()).isEqualTo("{\"message\":\"403 Forbidden\"}");
        assertThat(api.job(project(GitLabJobsApi.Access.REPORTER, 1), 2).body()).isEqualTo("{\"message\":\"404 Not found\"}");
        assertThat(api.job(project(GitLabJobsApi.Access.REPORTER, 1), 1).status()).isEqualTo(200);
        assertThat(api.list(Optional.empty(), "7", "scope[]=pending").status()).isEqualTo(404);
        assertThat(api.list(project(GitLabJobsApi.Access.GUEST, 1), "7", "scope[]=pending").status()).isEqualTo(403);
        assertThat(api.list(project(GitLabJobsApi.Access.REPORTER, 1), "7", "scope[]=bogus").status()).isEqualTo(400);
    }
}
