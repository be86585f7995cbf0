package dev.fargatescaler.testkit.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * GitLab's two Jobs API read endpoints as GitLab's own code answers them, for the doubles (the local GitLab
 * double and the WireMock transformers of the tests). Every rule below names the GitLab source it comes from
 * (repository gitlabhq/gitlabhq); where the docs and the source differ, the source was followed.
 *
 * <ul>
 *   <li>{@code GET /projects/:id/jobs/:job_id} ({@code lib/api/ci/jobs.rb}): {@code user_project} is
 *       {@code find_project!} ({@code lib/api/helpers.rb}), which answers 404 {@code "404 Project Not Found"} for a
 *       project that does not exist <em>and</em> for one the token's user cannot read; then
 *       {@code authorize_read_builds!} answers 403 {@code "403 Forbidden"} to a member without {@code read_build}
 *       (a Guest of a private project whose "Project-based pipeline visibility" is off:
 *       {@code app/policies/project_policy.rb}, condition {@code public_builds}); then {@code find_build!}
 *       ({@code user_project.builds.find}) raises RecordNotFound, which {@code lib/api/api.rb} answers with 404
 *       {@code "404 Not found"} (lower-case f).</li>
 *   <li>{@code GET /projects/:id/jobs} ({@code lib/api/ci/jobs.rb}): the same project checks, then
 *       {@code builds.order(id: :desc)} filtered by {@code scope} (a value outside {@code AVAILABLE_STATUSES} is a
 *       400 from Grape's {@code values} validation), then {@code paginate_with_strategies(...,
 *       paginator_params: { without_count: true })}:
 *       <ul>
 *         <li>{@code pagination=keyset} ({@code lib/api/helpers/pagination_strategies.rb}): {@code Ci::Build} has
 *             cursor-based keyset pagination, available only for the orderings in its
 *             {@code supported_keyset_orderings}, {@code { id: [:desc] }} ({@code app/models/ci/build.rb}); the
 *             request's order defaults to {@code id}/{@code desc}
 *             ({@code lib/gitlab/pagination/keyset/cursor_based_request_context.rb}). Any other
 *             {@code order_by}/{@code sort} answers 405 {@code {"error":"Keyset pagination is not yet available
 *             for this type of request"}} (GitLab issue 417667 shows that answer for {@code sort=asc}). A next page
 *             is announced only by {@code Link: <…?cursor=…>; rel="next"}, built from the request's parameters
 *             merged with the cursor, host and port replaced by GitLab's own
 *             ({@code lib/gitlab/pagination/keyset/header_builder.rb}); no {@code X-*} page headers.</li>
 *         <li>offset ({@code lib/gitlab/pagination/offset_pagination.rb},
 *             {@code lib/gitlab/pagination/offset_header_builder.rb}): {@code X-Per-Page}, {@code X-Page},
 *             {@code X-Next-Page} and {@code X-Prev-Page} (empty when there is none) and a {@code Link} with
 *             {@code prev}/{@code next}/{@code first}; because of {@code without_count}, never {@code X-Total},
 *             {@code X-Total-Pages} nor {@code rel="last"}. Past the plan's {@code offset_pagination_limit}
 *             (50,000 by default) GitLab answers 405 "Offset pagination has a maximum allowed offset…" when
 *             its {@code enforce_ci_builds_pagination_limit} flag is on; the double always enforces it.</li>
 *       </ul>
 *       {@code per_page} defaults to 20 and is capped at 100; {@code page} defaults to 1
 *       (https://docs.gitlab.com/api/rest/#pagination).</li>
 * </ul>
 * Authentication (401) is the caller's business: it knows the token.
 */
public final class GitLabJobsApi {

    /** What the token's user may do in a project. */
    public enum Access {
        /** Reporter or above: reads jobs. */
        REPORTER,
        /** Guest of a private project whose "Project-based pipeline visibility" is off: 403 on jobs. */
        GUEST,
        /** Not a member of a private project (or no such project): 404 "Project Not Found". */
        NONE
    }

    /** A project as the double knows it; {@code jobs} are rendered job objects with at least id and status. */
    public record Project(long id, Access access, List<ObjectNode> jobs) {
        public Project {
            jobs = List.copyOf(jobs);
        }
    }

    /** An HTTP answer. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public Answer {
            headers = Map.copyOf(headers);
        }
    }

    /** {@code CommitStatus::AVAILABLE_STATUSES} (app/models/commit_status.rb). */
    static final Set<String> AVAILABLE_STATUSES = Set.of("created", "waiting_for_resource", "preparing",
            "waiting_for_callback", "pending", "running", "success", "failed", "canceling", "canceled", "skipped",
            "manual", "scheduled");

    static final String KEYSET_NOT_AVAILABLE = "Keyset pagination is not yet available for this type of request";
    /** {@code offset_pagination_limit}'s default (https://docs.gitlab.com/administration/instance_limits/). */
    static final int OFFSET_LIMIT = 50_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String publicBaseUrl;

    /** @param publicBaseUrl GitLab's own base URL ({@code Gitlab.config.gitlab}), used in {@code Link} headers */
    public GitLabJobsApi(String publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl.endsWith("/")
                ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
    }

    /** {@code GET /api/v4/projects/:id/jobs/:job_id}. */
    public Answer job(Optional<Project> project, long jobId) {
        Optional<Answer> refused = projectChecks(project);
        if (refused.isPresent()) {
            return refused.get();
        }
        return project.get().jobs().stream().filter(j -> j.path("id").asLong() == jobId).findFirst()
                .map(j -> json(200, Map.of(), j.toString()))
                .orElseGet(() -> message(404, "404 Not found"));
    }

    /**
     * {@code GET /api/v4/projects/:id/jobs?…}.
     *
     * @param projectIdInPath the {@code :id} segment as requested (it is echoed in keyset {@code Link}s)
     * @param rawQuery        the query string as sent, or null
     */
    public Answer list(Optional<Project> project, String projectIdInPath, String rawQuery) {
        Optional<Answer> refused = projectChecks(project);
        if (refused.isPresent()) {
            return refused.get();
        }
        Map<String, List<String>> query = parse(rawQuery);
        List<String> scope = new ArrayList<>(query.getOrDefault("scope[]", List.of()));
        scope.addAll(query.getOrDefault("scope", List.of()));
        for (String s : scope) {
            if (!AVAILABLE_STATUSES.contains(s)) {
                return error(400, "scope does not have a valid value");
            }
        }
        int perPage = Math.min(100, Math.max(1, integer(query, "per_page", 20)));
        int page = Math.max(1, integer(query, "page", 1));
        List<ObjectNode> jobs = project.get().jobs().stream()
                .filter(j -> scope.isEmpty() || scope.contains(j.path("status").asText()))
                .sorted(Comparator.comparingLong((ObjectNode j) -> j.path("id").asLong()).reversed())
                .toList();
        if ("keyset".equals(first(query, "pagination"))) {
            return keyset(jobs, query, projectIdInPath, perPage, page);
        }
        return offset(jobs, query, projectIdInPath, perPage, page);
    }

    private Answer keyset(List<ObjectNode> jobs, Map<String, List<String>> query, String projectIdInPath,
                          int perPage, int page) {
        String orderBy = Optional.ofNullable(first(query, "order_by")).orElse("id");
        String sort = Optional.ofNullable(first(query, "sort")).orElse("desc");
        if (!"id".equals(orderBy) || !"desc".equals(sort)) {
            return error(405, KEYSET_NOT_AVAILABLE);
        }
        long before = Long.MAX_VALUE;
        String cursor = first(query, "cursor");
        if (cursor != null) {
            before = cursorId(cursor);
        }
        long limit = before;
        List<ObjectNode> after = jobs.stream().filter(j -> j.path("id").asLong() < limit).toList();
        List<ObjectNode> records = after.subList(0, Math.min(perPage, after.size()));
        Map<String, String> headers = new LinkedHashMap<>();
        if (after.size() > perPage) {
            long last = records.get(records.size() - 1).path("id").asLong();
            Map<String, List<String>> params = echoedParams(query, projectIdInPath, perPage, page);
            params.put("cursor", List.of(cursor(last)));
            headers.put("Link", "<" + href(projectIdInPath, params) + ">; rel=\"next\"");
        }
        return json(200, headers, array(records));
    }

    private Answer offset(List<ObjectNode> jobs, Map<String, List<String>> query, String projectIdInPath,
                          int perPage, int page) {
        if ((long) page * perPage > OFFSET_LIMIT) {
            return error(405, "Offset pagination has a maximum allowed offset of " + OFFSET_LIMIT
                    + " for requests that return objects of type Ci::Build. Remaining records can be retrieved "
                    + "using keyset pagination.");
        }
        int from = Math.min(jobs.size(), (page - 1) * perPage);
        int to = Math.min(jobs.size(), from + perPage);
        boolean hasNext = jobs.size() > to;
        Map<String, List<String>> params = echoedParams(query, projectIdInPath, perPage, page);
        List<String> links = new ArrayList<>();
        if (page > 1) {
            links.add("<" + href(projectIdInPath, withPage(params, page - 1)) + ">; rel=\"prev\"");
        }
        if (hasNext) {
            links.add("<" + href(projectIdInPath, withPage(params, page + 1)) + ">; rel=\"next\"");
        }
        links.add("<" + href(projectIdInPath, withPage(params, 1)) + ">; rel=\"first\"");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Per-Page", Integer.toString(perPage));
        headers.put("X-Page", Integer.toString(page));
        headers.put("X-Next-Page", hasNext ? Integer.toString(page + 1) : "");
        headers.put("X-Prev-Page", page > 1 ? Integer.toString(page - 1) : "");
        headers.put("Link", String.join(", ", links));
        return json(200, headers, array(jobs.subList(from, to)));
    }

    private static Optional<Answer> projectChecks(Optional<Project> project) {
        if (project.isEmpty() || project.get().access() == Access.NONE) {
            return Optional.of(message(404, "404 Project Not Found"));
        }
        if (project.get().access() == Access.GUEST) {
            return Optional.of(message(403, "403 Forbidden"));
        }
        return Optional.empty();
    }

    /**
     * The parameters GitLab echoes in its links: every request parameter, plus the route's {@code id} and the
     * declared {@code page}/{@code per_page} with their defaults (Grape puts them in {@code params}).
     */
    private static Map<String, List<String>> echoedParams(Map<String, List<String>> query, String projectIdInPath,
                                                          int perPage, int page) {
        Map<String, List<String>> params = new TreeMap<>(query);
        params.put("id", List.of(projectIdInPath));
        params.put("page", List.of(Integer.toString(page)));
        params.put("per_page", List.of(Integer.toString(perPage)));
        params.remove("cursor");
        return params;
    }

    private static Map<String, List<String>> withPage(Map<String, List<String>> params, int page) {
        Map<String, List<String>> copy = new TreeMap<>(params);
        copy.put("page", List.of(Integer.toString(page)));
        return copy;
    }

    /** Rails' {@code Hash#to_query}: {@code k=v} pairs, arrays as {@code k[]=v}, CGI-escaped, sorted. */
    private String href(String projectIdInPath, Map<String, List<String>> params) {
        List<String> pairs = new ArrayList<>();
        params.forEach((key, values) -> {
            for (String value : values) {
                pairs.add(URLEncoder.encode(key, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        pairs.sort(null);
        return publicBaseUrl + "/api/v4/projects/" + projectIdInPath + "/jobs?" + String.join("&", pairs);
    }

    /** A cursor in the form GitLab's keyset paginator uses: base64 of {@code {"id":"…","_kd":"n"}}. */
    static String cursor(long lastId) {
        return Base64.getEncoder().encodeToString(("{\"id\":\"" + lastId + "\",\"_kd\":\"n\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static long cursorId(String cursor) {
        try {
            JsonNode node = JSON.readTree(Base64.getDecoder().decode(cursor));
            return Long.parseLong(node.path("id").asText());
        } catch (Exception e) {
            return Long.MAX_VALUE;
        }
    }

    private static Map<String, List<String>> parse(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static String first(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static int integer(Map<String, List<String>> query, String key, int fallback) {
        String value = first(query, key);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String array(List<ObjectNode> jobs) {
        ArrayNode array = JSON.createArrayNode();
        jobs.forEach(array::add);
        return array.toString();
    }

    /** {@code render_api_error!}: {@code {"message": …}} (lib/api/helpers.rb). */
    private static Answer message(int status, String message) {
        return json(status, Map.of(), JSON.createObjectNode().put("message", message).toString());
    }

    /** Grape's {@code error!} with a string: {@code {"error": …}}. */
    private static Answer error(int status, String message) {
        return json(status, Map.of(), JSON.createObjectNode().put("error", message).toString());
    }

    private static Answer json(int status, Map<String, String> headers, String body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        return new Answer(status, all, body);
    }
}
