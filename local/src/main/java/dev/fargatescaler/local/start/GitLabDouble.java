package dev.fargatescaler.local.start;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.testkit.gitlab.GitLabJobsApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitLab API double (WireMock) answering the calls this product makes, from a readable file
 * ({@code local/gitlab-jobs.json}: jobs with their project, status and tags):
 * {@code GET /api/v4/projects/:id/jobs/:job_id} and {@code GET /api/v4/projects/:id/jobs?scope[]=pending}.
 * The answers are GitLab's, rule for rule, from testkit's {@link GitLabJobsApi} (which cites GitLab's source for
 * each): newest first, keyset pagination only in GitLab's order (405 otherwise), offset pagination headers
 * without totals, 404 "Project Not Found" for a project that does not exist or that the token may not see
 * ({@code "access": "none"} in the file), 403 for a Guest ({@code "access": "guest"}), 404 "Not found" for a
 * job the project does not have. Requests without the local token in {@code PRIVATE-TOKEN} get 401, any other
 * path GitLab's catch-all 404. The file is re-read when it changes. Like a real runner would, a task reaching
 * RUNNING makes its job {@code running}, and a stopped task makes it {@code success}.
 * https://docs.gitlab.com/api/jobs/
 */
public final class GitLabDouble implements AutoCloseable {

    /** One job of the file. */
    public record Job(long projectId, long id, String name, String stage, String status, List<String> tags) {
    }

    private final Path file;
    private final String token;
    private final WireMockServer server;
    private final Map<Long, String> statusByRunner = new ConcurrentHashMap<>();
    private volatile long loadedModified = -1;
    private volatile Map<Long, String> projects = Map.of();
    private volatile Map<Long, GitLabJobsApi.Access> access = Map.of();
    private final GitLabJobsApi api = new GitLabJobsApi("https://gitlab.example.com");
    private volatile List<Job> jobs = List.of();

    public GitLabDouble(Path file, String token) {
        this.file = file;
        this.token = token;
        this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .disableRequestJournal().extensions(new JobsFromState()));
    }

    public GitLabDouble start() {
        server.start();
        stub();
        reloadIfChanged();
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public List<Job> jobs() {
        return jobs;
    }

    /** Re-reads the file if it changed since the last load. */
    public synchronized void reloadIfChanged() {
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            if (modified == loadedModified) {
                return;
            }
            JsonNode root = Json.MAPPER.readTree(Files.readAllBytes(file));
            Map<Long, String> projectPaths = new LinkedHashMap<>();
            Map<Long, GitLabJobsApi.Access> projectAccess = new LinkedHashMap<>();
            root.path("projects").fields().forEachRemaining(e -> {
                long id = Long.parseLong(e.getKey());
                projectPaths.put(id, e.getValue().path("path").asText("group/project-" + e.getKey()));
                projectAccess.put(id, GitLabJobsApi.Access.valueOf(
                        e.getValue().path("access").asText("reporter").toUpperCase(java.util.Locale.ROOT)));
            });
            List<Job> loaded = new ArrayList<>();
            for (JsonNode job : root.path("jobs")) {
                List<String> tags = new ArrayList<>();
                job.path("tags").forEach(t -> tags.add(t.asText()));
                loaded.add(new Job(job.path("project").asLong(), job.path("id").asLong(), job.path("name").asText("job"),
                        job.path("stage").asText("test"), job.path("status").asText("pending"), List.copyOf(tags)));
            }
            projects = projectPaths;
            access = projectAccess;
            jobs = List.copyOf(loaded);
            loadedModified = modified;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the GitLab double's file " + file, e);
        }
    }

    /**
     * Feeds the double with a sample event's GitLab data (the {@code events/*-gitlab-*.wiremock.json} files, in
     * WireMock's stub-mapping format, which the functions' own tests import too): those answers come before
     * the double's own jobs, and after its token check. Each stub's answer is what that file says GitLab
     * answers (see events/README.md for the sources); the double adds nothing to it.
     *
     * @return how many stubs were added
     */
    public int serveStubs(Path mappingsFile) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(mappingsFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read GitLab stubs " + mappingsFile, e);
        }
        JsonNode mappings = root.has("mappings") ? root.get("mappings") : root;
        if (!mappings.isArray()) {
            throw new IllegalArgumentException(mappingsFile + ": expected WireMock stub mappings "
                    + "({\"mappings\": [...]})");
        }
        int added = 0;
        for (JsonNode mapping : mappings) {
            com.github.tomakehurst.wiremock.stubbing.StubMapping stub =
                    com.github.tomakehurst.wiremock.stubbing.StubMapping.buildFrom(mapping.toString());
            if (stub.getPriority() == null) {
                stub.setPriority(STUB_PRIORITY);
            }
            server.addStubMapping(stub);
            added++;
        }
        return added;
    }

    /** Imported stubs: after the token check (priority 1), before the double's own jobs (5). */
    private static final int STUB_PRIORITY = 2;

    /** A runner took the job: GitLab reports it running from now on. */
    public void jobRunning(long jobId) {
        statusByRunner.put(jobId, "running");
    }

    /** The job's task stopped: GitLab reports the job finished. */
    public void jobFinished(long jobId) {
        statusByRunner.put(jobId, "success");
    }

    public String status(Job job) {
        return statusByRunner.getOrDefault(job.id(), job.status());
    }

    /**
     * The stubs never change: answers are computed from the current state at request time (see
     * {@link JobsFromState}), so that a job changing status never leaves a moment without a stub.
     */
    private void stub() {
        String unauthorized = "{\"message\":\"401 Unauthorized\"}";
        server.stubFor(any(anyUrl()).atPriority(1).withHeader("PRIVATE-TOKEN", absent())
                .willReturn(json(401, unauthorized)));
        server.stubFor(any(anyUrl()).atPriority(1).withHeader("PRIVATE-TOKEN", notContaining(token))
                .willReturn(json(401, unauthorized)));
        server.stubFor(get(urlPathMatching("/api/v4/projects/[0-9]+/jobs(/[0-9]+)?")).atPriority(5)
                .withHeader("PRIVATE-TOKEN", equalTo(token))
                .willReturn(aResponse().withTransformers(JobsFromState.NAME)));
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(json(404, NOT_FOUND)));
    }

    /** GitLab's catch-all route for an unknown API path: {@code error!('404 Not Found', 404)} (lib/api/api.rb). */
    private static final String NOT_FOUND = "{\"error\":\"404 Not Found\"}";
    private static final Pattern JOB_PATH = Pattern.compile("/api/v4/projects/([0-9]+)/jobs(?:/([0-9]+))?");

    /** Answers the Jobs API from the file and the tasks' progress, at request time. */
    private final class JobsFromState implements ResponseDefinitionTransformerV2 {
        static final String NAME = "gitlab-jobs-from-state";

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            String url = serveEvent.getRequest().getUrl();
            String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
            Matcher m = JOB_PATH.matcher(path);
            if (!m.matches()) {
                return definition(404, NOT_FOUND);
            }
            long project = Long.parseLong(m.group(1));
            GitLabJobsApi.Answer answer = m.group(2) != null
                    ? api.job(project(project), Long.parseLong(m.group(2)))
                    : api.list(project(project), m.group(1), url.contains("?") ? url.substring(url.indexOf('?') + 1)
                            : null);
            ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition()
                    .withStatus(answer.status()).withBody(answer.body());
            answer.headers().forEach(response::withHeader);
            return response.build();
        }

        /** A project exists when the file names it or has jobs of it; readable unless its access says otherwise. */
        private Optional<GitLabJobsApi.Project> project(long id) {
            List<ObjectNode> projectJobs = new ArrayList<>();
            for (Job job : jobs) {
                if (job.projectId() == id) {
                    projectJobs.add(jobJson(job));
                }
            }
            if (projectJobs.isEmpty() && !projects.containsKey(id)) {
                return Optional.empty();
            }
            return Optional.of(new GitLabJobsApi.Project(id, access.getOrDefault(id, GitLabJobsApi.Access.REPORTER),
                    projectJobs));
        }

        private ResponseDefinition definition(int status, String body) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                    .withHeader("Content-Type", "application/json").withBody(body).build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return NAME;
        }
    }

    private ObjectNode jobJson(Job job) {
        String path = projects.getOrDefault(job.projectId(), "group/project-" + job.projectId());
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", job.id());
        node.put("name", job.name());
        node.put("stage", job.stage());
        node.put("status", status(job));
        node.put("ref", "main");
        node.put("tag", false);
        node.put("allow_failure", false);
        node.put("created_at", "2026-01-01T00:00:00.000Z");
        node.put("web_url", "https://gitlab.example.com/" + path + "/-/jobs/" + job.id());
        ArrayNode tags = node.putArray("tag_list");
        job.tags().forEach(tags::add);
        ObjectNode pipeline = node.putObject("pipeline");
        pipeline.put("id", 1000 + job.id());
        pipeline.put("project_id", job.projectId());
        pipeline.put("ref", "main");
        pipeline.put("sha", "2293ada6b400935a1378653304eaf6221e0fdb8f");
        pipeline.put("status", "pending");
        node.putNull("runner");
        return node;
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
    }
}
