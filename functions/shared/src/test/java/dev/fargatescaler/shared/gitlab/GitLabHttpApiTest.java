package dev.fargatescaler.shared.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitLabHttpApiTest {

    private static final String TOKEN = dev.fargatescaler.testkit.TestSecrets.GITLAB_API_TOKEN;
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static WireMockServer gitLab;

    private final AtomicInteger tokenReads = new AtomicInteger();
    private GitLabHttpApi api;

    @BeforeAll
    static void start() {
        gitLab = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        gitLab.start();
    }

    @AfterAll
    static void stop() {
        gitLab.stop();
    }

    @BeforeEach
    void reset() {
        gitLab.resetAll();
        api = api("");
    }

    private GitLabHttpApi api(String pathPrefix) {
        return new GitLabHttpApi(GitLabHttpApi.defaultHttpClient(), URI.create(gitLab.baseUrl() + pathPrefix),
                () -> {
                    tokenReads.incrementAndGet();
                    return TOKEN + "\n";
                }, Duration.ofSeconds(2), Clock.fixed(NOW, ZoneOffset.UTC));
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

        assertThat(job).isEqualTo(new GitLabJob(1977, 380, "pending", java.util.List.of("dev"),
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
        assertThatThrownBy(() -> api.job(1, 4)).isInstanceOfSatisfying(RetryableException.class,
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
        assertThatThrownBy(() -> api.job(1, 4)).isInstanceOfSatisfying(RetryableException.class,
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
        gitLab.stubFor(get("/api/v4/projects/1/jobs/2").willReturn(aResponse().withStatus(401)));
        gitLab.stubFor(get("/api/v4/projects/1/jobs/3").willReturn(aResponse().withStatus(403)));

        assertThatThrownBy(() -> api.job(1, 2)).isInstanceOfSatisfying(ConfigurationException.class, e -> {
            assertThat(e.reason()).isEqualTo("GitLabAuth");
            assertThat(e.getMessage()).contains("401").doesNotContain(TOKEN);
        });
        assertThatThrownBy(() -> api.job(1, 3)).isInstanceOf(ConfigurationException.class);
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
    void pendingJobsFollowKeysetLinksOnTheConfiguredHostOnly() {
        String first = "/api/v4/projects/7/jobs?scope[]=pending&per_page=100&pagination=keyset&order_by=id&sort=asc";
        gitLab.stubFor(get(urlEqualTo(first)).willReturn(okJson(
                "[{\"id\":1,\"status\":\"pending\",\"tag_list\":[\"dev\"]},{\"id\":2,\"status\":\"pending\"}]")
                .withHeader("Link", "<https://elsewhere.example.com/api/v4/projects/7/jobs?id_after=2&order_by=id"
                        + "&pagination=keyset&per_page=100&scope%5B%5D=pending&sort=asc>; rel=\"next\"")));
        gitLab.stubFor(get(urlEqualTo("/api/v4/projects/7/jobs?id_after=2&order_by=id&pagination=keyset&per_page=100"
                + "&scope%5B%5D=pending&sort=asc")).willReturn(okJson("[{\"id\":3,\"status\":\"pending\"}]")));

        GitLabApi.Page page1 = api.pendingJobs(7, null);
        GitLabApi.Page page2 = api.pendingJobs(7, page1.nextCursor());

        assertThat(page1.jobs()).extracting(GitLabJob::id).containsExactly(1L, 2L);
        assertThat(page1.jobs().get(0).tags()).containsExactly("dev");
        assertThat(page1.nextCursor()).isNotNull().doesNotContain("elsewhere");
        assertThat(page2.jobs()).extracting(GitLabJob::id).containsExactly(3L);
        assertThat(page2.nextCursor()).isNull();
    }

    @Test
    void pendingJobsFallBackToOffsetPaginationWhereKeysetIsRefused() {
        gitLab.stubFor(get(urlPathEqualTo("/api/v4/projects/7/jobs")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"Keyset pagination is not yet available for this type of request\"}")));
        gitLab.stubFor(get(urlEqualTo("/api/v4/projects/7/jobs?scope[]=pending&per_page=100&page=1"))
                .willReturn(okJson("[{\"id\":1,\"status\":\"pending\"}]").withHeader("X-Next-Page", "2")));
        gitLab.stubFor(get(urlEqualTo("/api/v4/projects/7/jobs?scope[]=pending&per_page=100&page=2"))
                .willReturn(okJson("[{\"id\":2,\"status\":\"pending\"}]").withHeader("X-Next-Page", "")));

        GitLabApi.Page page1 = api.pendingJobs(7, null);
        GitLabApi.Page page2 = api.pendingJobs(7, page1.nextCursor());

        assertThat(page1.jobs()).extracting(GitLabJob::id).containsExactly(1L);
        assertThat(page1.nextCursor()).isEqualTo("page:2");
        assertThat(page2.jobs()).extracting(GitLabJob::id).containsExactly(2L);
        assertThat(page2.nextCursor()).isNull();
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
