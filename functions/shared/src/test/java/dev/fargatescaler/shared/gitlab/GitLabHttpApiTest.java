package dev.fargatescaler.shared.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.gitlab.JobLookup;
import dev.fargatescaler.domain.gitlab.ProjectNotVisibleException;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.testkit.gitlab.GitLabJobsApi;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitLabHttpApiTest {

    private static final String TOKEN = dev.fargatescaler.testkit.TestSecrets.GITLAB_API_TOKEN;
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final GitLabLikeJobsEndpoint JOBS = new GitLabLikeJobsEndpoint();
    private static WireMockServer gitLab;

    private final AtomicInteger tokenReads = new AtomicInteger();
    private GitLabHttpApi api;

    @BeforeAll
    static void start() {
        gitLab = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(JOBS));
        gitLab.start();
    }

    @AfterAll
    static void stop() {
        gitLab.stop();
    }

    @BeforeEach
    void reset() {
        gitLab.resetAll();
        JOBS.projects.clear();
        api = api("");
    }

    /** Every jobs request is answered as GitLab's code answers it (see {@link GitLabLikeJobsEndpoint}). */
    private void serveLikeGitLab() {
        gitLab.stubFor(get(urlPathMatching("/api/v4/projects/[0-9]+/jobs(/[0-9]+)?")).atPriority(5)
                .willReturn(aResponse().withTransformers(GitLabLikeJobsEndpoint.NAME)));
    }

    private static List<ObjectNode> jobs(long projectId, int pending, int others) {
        List<ObjectNode> jobs = new ArrayList<>();
        for (int i = 1; i <= pending + others; i++) {
            ObjectNode job = Json.MAPPER.createObjectNode().put("id", 1000 + i)
                    .put("status", i <= pending ? "pending" : "running").put("ref", "main");
            job.putArray("tag_list").add("dev");
            job.put("web_url", "https://gitlab.example.com/g/p" + projectId + "/-/jobs/" + (1000 + i));
            jobs.add(job);
        }
        return jobs;
    }

    private List<Long> walk(long projectId) {
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            GitLabApi.Page page = api.pendingJobs(projectId, cursor);
            page.jobs().forEach(j -> seen.add(j.id()));
            cursor = page.nextCursor();
            assertThat(++pages).as("pages").isLessThan(50);
        } while (cursor != null);
        return seen;
    }

    private GitLabHttpApi api(String pathPrefix) {
        // Generous: a loaded build machine must not turn a stubbed answer into a timeout. The timeout itself is
        // tested with its own short one.
        return api(pathPrefix, Duration.ofSeconds(15));
    }

    private GitLabHttpApi api(String pathPrefix, Duration timeout) {
        return new GitLabHttpApi(GitLabHttpApi.defaultHttpClient(), URI.create(gitLab.baseUrl() + pathPrefix),
                () -> {
                    tokenReads.incrementAndGet();
                    return TOKEN + "\n";
                }, timeout, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static String fixture() throws IOException {
        try (InputStream in = GitLabHttpApiTest.class.getResourceAsStream("/fixtures/jobs-api-pending.synthetic.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsAJobWithItsTagsStatusRefPipelineAndProjectPath() throws IOException {
        gitLab.stubFor(get("/api/v4/projects/380/jobs/1977").willReturn(okJson(fixture())));

        GitLabJob job = api.job(380, 1977).orElseThrow();

        assertThat(job).isEqualTo(new GitLabJob(1977, 380, "pending", List.of("dev"),
                "gitlab-script-trigger", "test", 2366L, "gitlab-org/gitlab-test"));
        gitLab.verify(getRequestedFor(urlEqualTo("/api/v4/projects/380/jobs/1977"))
                .withHeader("PRIVATE-TOKEN", equalTo(TOKEN)));
    }

    @Test
    void keepsTheInstancePathPrefix() {
        gitLab.stubFor(get("/gitlab/api/v4/projects/1/jobs/2").willReturn(okJson(
                "{\"id\":2,\"status\":\"pending\",\"tag_list\":[],\"web_url\":\"https://h/gitlab/g/sub/p/-/jobs/2\"}")));

        GitLabJob job = api("/gitlab/").job(1, 2).orElseThrow();

        assertThat(job.projectPath()).isEqualTo("g/sub/p");
        assertThat(job.tags()).isEmpty();
        assertThat(job.pipelineId()).isNull();
    }

    @Test
    void notFoundIsEmpty() {
        gitLab.stubFor(get("/api/v4/projects/1/jobs/2").willReturn(aResponse().withStatus(404)
                .withBody("{\"message\":\"404 Not found\"}")));

        assertThat(api.job(1, 2)).isEmpty();
        assertThat(api.lookup(1, 2)).isInstanceOf(JobLookup.Gone.class);
    }

    @Test
    void tooManyRequestsHonoursRetryAfterInSecondsAndAsADate() {
        gitLab.stubFor(get("/api/v4/projects/1/jobs/2").willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "42")));
        gitLab.stubFor(get("/api/v4/projects/1/jobs/3").willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "Sat, 28 Nov 2026 10:02:00 GMT")));
        gitLab.stubFor(get("/api/v4/projects/1/jobs/4").willReturn(aResponse().withStatus(429)));

        assertThatThrownBy(() -> api.job(1, 2)).isInstanceOfSatisfying(RetryableException.class, e -> {
            assertThat(e.reason()).isEqualTo("GitLabRateLimited");
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(42));
        });
        assertThatThrownBy(() -> api.job(1, 3)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofMinutes(2)));
        assertThatThrownBy(() -> api("", Duration.ofSeconds(1)).job(1, 4)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(60)));
    }

    @Test
    void serverErrorsAndNetworkFailuresAreRetryable() {
        gitLab.stubFor(get("/api/v4/projects/1/jobs/2").willReturn(aResponse().withStatus(502)));
        gitLab.stubFor(get("/api/v4/projects/1/jobs/3").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        gitLab.stubFor(get("/api/v4/projects/1/jobs/4").willReturn(okJson("{}").withFixedDelay(3000)));
        gitLab.stubFor(get("/api/v4/projects/1/jobs/5").willReturn(okJson("<html>")));

        assertThatThrownBy(() -> api.job(1, 2)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.reason()).isEqualTo("GitLab5xx"));
        assertThatThrownBy(() -> api.job(1, 3)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.reason()).isEqualTo("GitLabUnreachable"));
        assertThatThrownBy(() -> api("", Duration.ofSeconds(1)).job(1, 4)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.reason()).isEqualTo("GitLabTimeout"));
        assertThatThrownBy(() -> api.job(1, 5)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.reason()).isEqualTo("GitLabUnexpectedAnswer"));
    }

    @Test
    void unreachableGitLabIsRetryable() {
        GitLabHttpApi nowhere = new GitLabHttpApi(GitLabHttpApi.defaultHttpClient(), URI.create("http://127.0.0.1:1"),
                () -> TOKEN, Duration.ofSeconds(2), Clock.systemUTC());

        assertThatThrownBy(() -> nowhere.job(1, 2)).isInstanceOfSatisfying(RetryableException.class,
                e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
    }

    @Test
    void refusedCredentialsAreAConfigurationErrorThatNeverShowsTheToken() {
        gitLab.stubFor(get(urlPathMatching("/api/v4/projects/1/jobs.*")).atPriority(10)
                .willReturn(aResponse().withStatus(401).withBody("{\"message\":\"401 Unauthorized\"}")));
        // A token without read_api: GitLab's API guard (lib/api/api_guard.rb, InsufficientScopeError) answers
        // with rack-oauth2's Bearer Forbidden body.
        gitLab.stubFor(get("/api/v4/projects/1/jobs/3").willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"insufficient_scope\","
                        + "\"error_description\":\"The request requires higher privileges than provided by the "
                        + "access token.\",\"scope\":\"api read_api\"}")));
        // A blocked user: find_current_user! answers forbidden! with a reason.
        gitLab.stubFor(get("/api/v4/projects/1/jobs/4").willReturn(aResponse().withStatus(403)
                .withBody("{\"message\":\"403 Forbidden - Your account has been blocked.\"}")));

        assertThatThrownBy(() -> api.job(1, 2)).isInstanceOfSatisfying(ConfigurationException.class, e -> {
            assertThat(e.reason()).isEqualTo("GitLabAuth");
            assertThat(e.getMessage()).contains("401").doesNotContain(TOKEN);
        });
        assertThatThrownBy(() -> api.lookup(1, 3)).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.getMessage()).contains("read_api"));
        assertThatThrownBy(() -> api.pendingJobs(1, null)).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> api.lookup(1, 4)).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.getMessage()).contains("blocked"));
    }

    @Test
    void redirectsAreNotFollowedSoTheTokenCannotBeSentElsewhere() {
        gitLab.stubFor(get("/api/v4/projects/1/jobs/2").willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://127.0.0.1:1/steal")));

        assertThatThrownBy(() -> api.job(1, 2)).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.reason()).isEqualTo("GitLabRedirect"));
    }

    @Test
    void otherClientErrorsArePermanent() {
        gitLab.stubFor(get("/api/v4/projects/1/jobs/2").willReturn(aResponse().withStatus(422)));

        assertThatThrownBy(() -> api.job(1, 2)).isInstanceOfSatisfying(PermanentException.class,
                e -> assertThat(e.reason()).isEqualTo("GitLab422"));
    }

    @Test
    void pendingJobsWalkEveryPageNewestFirstAsGitLabServesThem() {
        serveLikeGitLab();
        JOBS.put(7, GitLabJobsApi.Access.REPORTER, jobs(7, 250, 30));

        List<Long> seen = walk(7);

        assertThat(seen).hasSize(250).doesNotHaveDuplicates();
        assertThat(seen).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(seen.get(0)).isEqualTo(1250L);
        // GitLab supports keyset pagination on this endpoint only newest first: any other order is a 405.
        gitLab.verify(getRequestedFor(urlPathEqualTo("/api/v4/projects/7/jobs"))
                .withQueryParam("pagination", equalTo("keyset")).withQueryParam("sort", equalTo("desc")));
        gitLab.verify(0, getRequestedFor(urlPathEqualTo("/api/v4/projects/7/jobs"))
                .withQueryParam("sort", equalTo("asc")));
        gitLab.verify(0, getRequestedFor(urlPathEqualTo("/api/v4/projects/7/jobs")).withQueryParam("page",
                equalTo("2")));
    }

    @Test
    void keysetLinksAreFollowedOnTheConfiguredHostOnly() {
        serveLikeGitLab();
        JOBS.put(7, GitLabJobsApi.Access.REPORTER, jobs(7, 150, 0));

        GitLabApi.Page first = api.pendingJobs(7, null);

        // GitLab's Link names its own host (https://gitlab.example.com); the cursor keeps only the query.
        assertThat(first.nextCursor()).isNotNull().doesNotContain("gitlab.example.com").contains("cursor=");
        GitLabApi.Page second = api.pendingJobs(7, first.nextCursor());
        assertThat(second.jobs()).hasSize(50);
        assertThat(second.nextCursor()).isNull();
    }

    @Test
    void whereKeysetIsRefusedWith405Or400TheWalkFallsBackToOffsetPagination() {
        for (int refusal : List.of(405, 400)) {
            reset();
            serveLikeGitLab();
            JOBS.put(7, GitLabJobsApi.Access.REPORTER, jobs(7, 130, 5));
            // An instance without keyset pagination for jobs (before GitLab 15.9, or one that refuses the order).
            gitLab.stubFor(get(urlPathEqualTo("/api/v4/projects/7/jobs")).atPriority(1)
                    .withQueryParam("pagination", equalTo("keyset"))
                    .willReturn(aResponse().withStatus(refusal).withHeader("Content-Type", "application/json")
                            .withBody("{\"error\":\"Keyset pagination is not yet available for this type of request\"}")));

            List<Long> seen = walk(7);

            assertThat(seen).as("after a " + refusal).hasSize(130).doesNotHaveDuplicates()
                    .isSortedAccordingTo(java.util.Comparator.reverseOrder());
            gitLab.verify(getRequestedFor(urlEqualTo("/api/v4/projects/7/jobs?scope[]=pending&per_page=100&page=2")));
        }
    }

    @Test
    void anOffsetPastGitLabsLimitIsPermanent() {
        serveLikeGitLab();
        JOBS.put(7, GitLabJobsApi.Access.REPORTER, jobs(7, 1, 0));

        assertThatThrownBy(() -> api.pendingJobs(7, "page:501")).isInstanceOfSatisfying(PermanentException.class,
                e -> assertThat(e.reason()).isEqualTo("GitLab405"));
    }

    @Test
    void aProjectTheTokenCannotSeeIsNotSilentlyEmpty() {
        serveLikeGitLab();
        JOBS.put(8, GitLabJobsApi.Access.GUEST, jobs(8, 3, 0));

        assertThatThrownBy(() -> api.pendingJobs(7, null)).isInstanceOfSatisfying(ProjectNotVisibleException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("404 Project Not Found").contains("Reporter");
                });
        assertThatThrownBy(() -> api.pendingJobs(8, null)).isInstanceOfSatisfying(ProjectNotVisibleException.class,
                e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void lookupTellsAGoneJobFromOneTheTokenCannotSee() {
        serveLikeGitLab();
        JOBS.put(7, GitLabJobsApi.Access.REPORTER, jobs(7, 1, 0));
        JOBS.put(8, GitLabJobsApi.Access.GUEST, jobs(8, 1, 0));
        JOBS.put(9, GitLabJobsApi.Access.NONE, jobs(9, 1, 0));

        assertThat(api.lookup(7, 1001)).isInstanceOfSatisfying(JobLookup.Found.class,
                f -> assertThat(f.job().id()).isEqualTo(1001));
        assertThat(api.lookup(7, 999)).isEqualTo(new JobLookup.Gone("404 Not found"));
        assertThat(api.lookup(8, 1001)).isEqualTo(new JobLookup.NotVisible(403, "403 Forbidden"));
        assertThat(api.lookup(9, 1001)).isEqualTo(new JobLookup.NotVisible(404, "404 Project Not Found"));
        assertThat(api.lookup(10, 1001)).isEqualTo(new JobLookup.NotVisible(404, "404 Project Not Found"));
        assertThat(api.job(8, 1001)).isEmpty();
    }

    @Test
    void aNotFoundGitLabDidNotExplainIsNotReadAsAGoneJob() {
        // e.g. GITLAB_URL missing the instance's path prefix: a proxy's or the catch-all route's 404.
        gitLab.stubFor(get("/api/v4/projects/1/jobs/2").willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "text/html").withBody("<html>Not Found</html>")));
        gitLab.stubFor(get("/api/v4/projects/1/jobs/3").willReturn(aResponse().withStatus(404)
                .withBody("{\"error\":\"404 Not Found\"}")));

        assertThat(api.lookup(1, 2)).isInstanceOf(JobLookup.NotVisible.class);
        assertThat(api.lookup(1, 3)).isInstanceOf(JobLookup.NotVisible.class);
    }

    @Test
    void aForeignCursorIsRefused() {
        assertThatThrownBy(() -> api.pendingJobs(7, "https://evil.example.com/x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTokenIsReadForEveryRequestSoACachingSourceDecidesItsLifetime() {
        gitLab.stubFor(get("/api/v4/projects/1/jobs/2").willReturn(aResponse().withStatus(404)));

        api.job(1, 2);
        api.job(1, 2);

        assertThat(tokenReads.get()).isEqualTo(2);
    }
}
