package dev.fargatescaler.shared.gitlab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link GitLabApi} over GitLab's REST API v4 with the JDK's HTTP client.
 *
 * <ul>
 *   <li>The base URL comes from this product's configuration, never from a webhook: a forged
 *       {@code X-Gitlab-Instance} header must not be able to send our token elsewhere. Redirects are not
 *       followed for the same reason.</li>
 *   <li>The token ({@code read_api}) goes in the {@code PRIVATE-TOKEN} header and is never logged or put in an
 *       exception message.</li>
 *   <li>Errors: 404 → empty; 429 → retryable with {@code Retry-After}; 5xx, timeouts and network errors →
 *       retryable; 401/403 → configuration error; other 4xx → permanent.
 *       https://docs.gitlab.com/api/rest/troubleshooting/#status-codes</li>
 * </ul>
 */
public final class GitLabHttpApi implements GitLabApi {

    /** GitLab's largest page. */
    static final int PER_PAGE = 100;

    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final String KEYSET_CURSOR = "keyset:";
    private static final String PAGE_CURSOR = "page:";

    private final HttpClient http;
    private final URI baseUrl;
    private final Supplier<String> token;
    private final Duration requestTimeout;
    private final Clock clock;

    /**
     * @param http           built once per container ({@link #defaultHttpClient()})
     * @param baseUrl        the GitLab instance, e.g. {@code https://gitlab.example.com} (a path prefix such as
     *                       {@code /gitlab} is kept)
     * @param token          supplies the API token; usually a cached secret
     * @param requestTimeout per request, so that a slow GitLab cannot eat the function's timeout
     */
    public GitLabHttpApi(HttpClient http, URI baseUrl, Supplier<String> token, Duration requestTimeout, Clock clock) {
        this.http = Objects.requireNonNull(http);
        String base = baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.token = Objects.requireNonNull(token);
        this.requestTimeout = Objects.requireNonNull(requestTimeout);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The HTTP client of a container: HTTP/1.1 keep-alive, short connect timeout, no redirects. */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Optional<GitLabJob> job(long projectId, long jobId) {
        HttpResponse<String> response = get("/api/v4/projects/" + projectId + "/jobs/" + jobId, "GET job");
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode node = parse(response, "GET job");
        return Optional.of(toJob(node, projectId));
    }

    @Override
    public Page pendingJobs(long projectId, String cursor) {
        String path = "/api/v4/projects/" + projectId + "/jobs";
        String query;
        if (cursor == null) {
            // Keyset pagination is recommended by GitLab for walking every page; instances that refuse it for
            // this endpoint (400) are served with offset pagination instead.
            // https://docs.gitlab.com/api/rest/#keyset-based-pagination
            query = "scope[]=pending&per_page=" + PER_PAGE + "&pagination=keyset&order_by=id&sort=asc";
        } else if (cursor.startsWith(KEYSET_CURSOR)) {
            query = cursor.substring(KEYSET_CURSOR.length());
        } else if (cursor.startsWith(PAGE_CURSOR) && cursor.substring(PAGE_CURSOR.length()).matches("[1-9][0-9]{0,6}")) {
            query = offsetQuery(cursor.substring(PAGE_CURSOR.length()));
        } else {
            throw new IllegalArgumentException("not a cursor returned by pendingJobs: " + cursor);
        }
        HttpResponse<String> response = get(path + "?" + query, "list pending jobs");
        boolean keyset = query.contains("pagination=keyset");
        if (keyset && response.statusCode() == 400) {
            query = offsetQuery("1");
            keyset = false;
            response = get(path + "?" + query, "list pending jobs");
        }
        if (response.statusCode() == 404) {
            return new Page(List.of(), null);
        }
        JsonNode array = parse(response, "list pending jobs");
        if (!array.isArray()) {
            throw new RetryableException("GitLabUnexpectedAnswer", "list pending jobs: answer is not a JSON array");
        }
        List<GitLabJob> jobs = new ArrayList<>();
        for (JsonNode node : array) {
            jobs.add(toJob(node, projectId));
        }
        return new Page(jobs, nextCursor(response, keyset));
    }

    private static String offsetQuery(String page) {
        return "scope[]=pending&per_page=" + PER_PAGE + "&page=" + page;
    }

    /**
     * The next page: keyset pagination gives a {@code Link: <…>; rel="next"} header whose query is kept (but
     * never its host: the request always goes to the configured base URL); offset pagination gives
     * {@code X-Next-Page}.
     */
    private String nextCursor(HttpResponse<String> response, boolean keyset) {
        if (keyset) {
            for (String link : response.headers().allValues("link")) {
                Matcher m = NEXT_LINK.matcher(link);
                if (m.find()) {
                    String query = URI.create(m.group(1)).getRawQuery();
                    return query == null || query.isBlank() ? null : KEYSET_CURSOR + query;
                }
            }
            return null;
        }
        String next = response.headers().firstValue("x-next-page").orElse("").strip();
        return next.matches("[1-9][0-9]{0,6}") ? PAGE_CURSOR + next : null;
    }

    private HttpResponse<String> get(String pathAndQuery, String what) {
        String secret = token.get();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(requestTimeout)
                .header("PRIVATE-TOKEN", secret == null ? "" : secret.strip())
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new RetryableException("GitLabTimeout", what + ": GitLab did not answer within " + requestTimeout, e);
        } catch (IOException e) {
            throw new RetryableException("GitLabUnreachable", what + ": cannot reach GitLab at " + baseUrl + " ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("GitLabUnreachable", what + ": interrupted", e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new ConfigurationException("GitLabAuth", what + ": GitLab answered " + status
                    + "; check that GITLAB_TOKEN_SECRET holds a valid token with the read_api scope and access to "
                    + "the project");
        }
        if (status == 429) {
            Duration retryAfter = retryAfter(response).orElse(Duration.ofSeconds(60));
            throw new RetryableException("GitLabRateLimited", what + ": GitLab answered 429 (retry after "
                    + retryAfter.toSeconds() + " s)", retryAfter, null);
        }
        if (status >= 500) {
            throw new RetryableException("GitLab5xx", what + ": GitLab answered " + status);
        }
        if (status >= 300 && status < 400) {
            throw new ConfigurationException("GitLabRedirect", what + ": GitLab answered " + status
                    + " (a redirect, not followed); check GITLAB_URL");
        }
        if (status >= 400 && status != 404 && !(status == 400 && pathAndQuery.contains("pagination=keyset"))) {
            throw new PermanentException("GitLab" + status, what + ": GitLab answered " + status);
        }
        return response;
    }

    /** {@code Retry-After} in seconds or as an HTTP date (RFC 9110 §10.2.3). */
    private Optional<Duration> retryAfter(HttpResponse<String> response) {
        Optional<String> header = response.headers().firstValue("retry-after").map(String::strip);
        if (header.isEmpty() || header.get().isEmpty()) {
            return Optional.empty();
        }
        String value = header.get();
        if (value.matches("[0-9]{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(clock.instant(), at.toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static JsonNode parse(HttpResponse<String> response, String what) {
        try {
            JsonNode node = Json.MAPPER.readTree(response.body());
            if (node == null) {
                throw new RetryableException("GitLabUnexpectedAnswer", what + ": empty answer");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new RetryableException("GitLabUnexpectedAnswer", what + ": answer is not JSON", e);
        }
    }

    private GitLabJob toJob(JsonNode node, long projectId) {
        if (!node.path("id").canConvertToLong() || !node.path("status").isTextual()) {
            throw new RetryableException("GitLabUnexpectedAnswer", "job without id or status");
        }
        List<String> tags = new ArrayList<>();
        for (JsonNode tag : node.path("tag_list")) {
            if (tag.isTextual()) {
                tags.add(tag.textValue());
            }
        }
        JsonNode pipeline = node.path("pipeline").path("id");
        return new GitLabJob(node.get("id").longValue(), projectId, node.get("status").textValue(), tags,
                node.path("ref").isTextual() ? node.get("ref").textValue() : null,
                node.path("name").isTextual() ? node.get("name").textValue() : null,
                pipeline.canConvertToLong() && pipeline.isIntegralNumber() ? pipeline.longValue() : null,
                projectPath(node.path("web_url").asText(null)));
    }

    /**
     * The project path from a job's {@code web_url} ({@code <base>/<group>/<project>/-/jobs/<id>}), without the
     * instance's own path prefix.
     */
    String projectPath(String webUrl) {
        if (webUrl == null) {
            return null;
        }
        try {
            String path = URI.create(webUrl).getPath();
            int marker = path == null ? -1 : path.indexOf("/-/jobs/");
            if (marker <= 0) {
                return null;
            }
            path = path.substring(0, marker);
            String prefix = baseUrl.getPath() == null ? "" : baseUrl.getPath();
            if (!prefix.isEmpty() && path.startsWith(prefix + "/")) {
                path = path.substring(prefix.length());
            }
            path = path.startsWith("/") ? path.substring(1) : path;
            return path.isEmpty() ? null : path;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
