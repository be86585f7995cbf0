package dev.fargatescaler.shared.gitlab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.gitlab.JobLookup;
import dev.fargatescaler.domain.gitlab.ProjectNotVisibleException;
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
 *       followed for the same reason, and a pagination link keeps only its query, never its host.</li>
 *   <li>The token ({@code read_api}) goes in the {@code PRIVATE-TOKEN} header and is never logged or put in an
 *       exception message.</li>
 *   <li>Errors: 429 → retryable with {@code Retry-After}; 5xx, timeouts and network errors → retryable; 401, and a
 *       403 about the token itself (missing scope, blocked user) → configuration error; 404 and a plain 403 → told
 *       apart by {@link #lookup} (see {@link JobLookup}) and by {@link #pendingJobs}
 *       ({@link ProjectNotVisibleException}); other 4xx → permanent.
 *       https://docs.gitlab.com/api/rest/troubleshooting/#status-codes</li>
 * </ul>
 */
public final class GitLabHttpApi implements GitLabApi {

    /** GitLab's largest page. */
    static final int PER_PAGE = 100;

    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final String KEYSET_CURSOR = "keyset:";
    private static final String PAGE_CURSOR = "page:";
    /** RecordNotFound's answer (GitLab lib/api/api.rb): the only 404 that says a job does not exist. */
    static final String JOB_NOT_FOUND = "404 Not found";
    /** {@code authorize!}'s answer without a reason (GitLab lib/api/helpers.rb, forbidden!). */
    static final String PLAIN_FORBIDDEN = "403 Forbidden";

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
        return lookup(projectId, jobId) instanceof JobLookup.Found found ? Optional.of(found.job()) : Optional.empty();
    }

    @Override
    public JobLookup lookup(long projectId, long jobId) {
        HttpResponse<String> response = get("/api/v4/projects/" + projectId + "/jobs/" + jobId, "GET job");
        int status = response.statusCode();
        if (status == 404 || status == 403) {
            String message = gitLabMessage(response);
            // Only RecordNotFound's answer (lib/api/api.rb: "404 Not found", lower-case f) says the job is gone:
            // find_project!'s "404 Project Not Found" (lib/api/helpers.rb) is also what a project the token cannot
            // see answers, a 403 is a member without read_build, and an unexplained 404 (a proxy, a wrong
            // GITLAB_URL) proves nothing. Only the first may drop a job.
            return status == 404 && JOB_NOT_FOUND.equals(message)
                    ? new JobLookup.Gone(message)
                    : new JobLookup.NotVisible(status, message);
        }
        JsonNode node = parse(response, "GET job");
        return new JobLookup.Found(toJob(node, projectId));
    }

    /**
     * One page of pending jobs, newest first. The first request asks for keyset pagination, which GitLab's jobs
     * endpoint supports only in its native order, {@code order_by=id&sort=desc}: {@code Ci::Build}'s
     * {@code supported_keyset_orderings} is {@code { id: [:desc] }} ({@code app/models/ci/build.rb}) and any other
     * order answers 405 "Keyset pagination is not yet available for this type of request"
     * ({@code lib/api/helpers/pagination_strategies.rb}, GitLab issue 417667). The next page comes from
     * {@code Link: <…?cursor=…>; rel="next"} ({@code lib/gitlab/pagination/keyset/header_builder.rb}). An instance
     * that refuses keyset pagination for jobs (405, or 400 from older parameter validation) is served with offset
     * pagination ({@code page}, {@code X-Next-Page}) from page 1; one that ignores the parameter (before GitLab
     * 15.9) answers with offset headers, whose {@code Link rel="next"} is followed the same way.
     *
     * <p>Why keyset first: jobs change state while we page. Newest first, a job that leaves {@code pending}
     * between two offset pages shifts every later job one place up, so the job that would have opened the next
     * page is skipped in this walk (and a new pending job shifts them down: a harmless duplicate). A keyset cursor
     * ("ids below the last one seen") skips nothing that stays pending; jobs created during the walk are newer
     * than the cursor and are left for the next sweep (or their own webhook). So offset pagination is only the
     * fallback, and what it skips is found by the next sweep, minutes later.
     */
    @Override
    public Page pendingJobs(long projectId, String cursor) {
        String path = "/api/v4/projects/" + projectId + "/jobs";
        String query;
        if (cursor == null) {
            query = "scope[]=pending&per_page=" + PER_PAGE + "&pagination=keyset&order_by=id&sort=desc";
        } else if (cursor.startsWith(KEYSET_CURSOR)) {
            query = cursor.substring(KEYSET_CURSOR.length());
        } else if (cursor.startsWith(PAGE_CURSOR) && cursor.substring(PAGE_CURSOR.length()).matches("[1-9][0-9]{0,6}")) {
            query = offsetQuery(cursor.substring(PAGE_CURSOR.length()));
        } else {
            throw new IllegalArgumentException("not a cursor returned by pendingJobs: " + cursor);
        }
        boolean keyset = query.contains("pagination=keyset");
        HttpResponse<String> response = get(path + "?" + query, "list pending jobs");
        if (keyset && (response.statusCode() == 405 || response.statusCode() == 400)) {
            query = offsetQuery("1");
            keyset = false;
            response = get(path + "?" + query, "list pending jobs");
        }
        int status = response.statusCode();
        if (status == 404 || status == 403) {
            throw new ProjectNotVisibleException(projectId, status, gitLabMessage(response));
        }
        if (status >= 400) {
            // e.g. 405 past GitLab's maximum offset (pagination_strategies.rb, offset_paginator).
            throw new PermanentException("GitLab" + status, "list pending jobs: GitLab answered " + status + " "
                    + truncate(gitLabMessage(response)));
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
     * The next page: keyset pagination gives only a {@code Link: <…>; rel="next"} header, whose query is kept (but
     * never its host: the request always goes to the configured base URL); offset pagination gives
     * {@code X-Next-Page}, empty on the last page ({@code lib/gitlab/pagination/offset_header_builder.rb}).
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
        if (status == 401) {
            throw new ConfigurationException("GitLabAuth", what + ": GitLab answered 401; check that "
                    + "GITLAB_TOKEN_SECRET holds a valid, unexpired token with the read_api scope");
        }
        if (status == 403 && !PLAIN_FORBIDDEN.equals(gitLabMessage(response))) {
            // Not authorize!'s plain "403 Forbidden" (a role too low in this project) but a refusal of the token
            // itself: the API guard's insufficient_scope (lib/api/api_guard.rb) or a blocked or deactivated user
            // (forbidden! with a reason). Every project fails alike: a configuration error.
            throw new ConfigurationException("GitLabAuth", what + ": GitLab answered 403 "
                    + truncate(gitLabMessage(response)) + "; check that GITLAB_TOKEN_SECRET holds a token with the "
                    + "read_api scope whose user is active");
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
        boolean keysetRefusal = (status == 400 || status == 405) && pathAndQuery.contains("pagination=keyset");
        boolean listing = pathAndQuery.contains("/jobs?");
        if (status >= 400 && status != 404 && status != 403 && !keysetRefusal && !(listing && status == 405)) {
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

    /**
     * GitLab's explanation in an error answer: {@code message} ({@code render_api_error!}) or {@code error}
     * (Grape's {@code error!}, rack-oauth2); empty when the body is not GitLab's JSON.
     */
    static String gitLabMessage(HttpResponse<String> response) {
        try {
            JsonNode node = Json.MAPPER.readTree(response.body());
            if (node != null && node.path("message").isTextual()) {
                return node.get("message").textValue();
            }
            if (node != null && node.path("error").isTextual()) {
                return node.get("error").textValue();
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // not JSON: fall through
        }
        return "";
    }

    private static String truncate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
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
