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
import dev.fargatescaler.local.fargate.RunnerJobRequests;
import dev.fargatescaler.local.fargate.RunnerIdentity;
import dev.fargatescaler.testkit.gitlab.GitLabJobsApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 * path GitLab's catch-all 404. The file is re-read when it changes.
 *
 * <p>It is also GitLab's job queue for the simulated runners ({@link RunnerJobRequests}, local mode's Fargate simulation):
 * a runner asking for work gets the oldest pending job it may run, and the job's Job Hooks ({@code running}, then
 * {@code success} or {@code failed}) go to the webhook with GitLab's {@code build_queued_duration} and
 * {@code runner}. Without the simulation (real AWS), a task reaching RUNNING makes its own job {@code running}
 * and a stopped task makes it {@code success}.
 * https://docs.gitlab.com/api/jobs/
 */
public final class GitLabDouble implements AutoCloseable, RunnerJobRequests {

    /**
     * One job of the file, or one added while running ({@link #addPendingJob}).
     *
     * @param runsFor how long it runs once a runner took it ({@code duration} in the file, seconds); null: the
     *                simulation's default
     */
    public record Job(long projectId, long id, String name, String stage, String status, List<String> tags,
                      Duration runsFor) {
        public Job(long projectId, long id, String name, String stage, String status, List<String> tags) {
            this(projectId, id, name, stage, status, tags, null);
        }
    }

    /** What a runner did to a job: its status since, and GitLab's timestamps (app/models/commit_status.rb). */
    private record Run(String status, Instant startedAt, Instant finishedAt, Duration queued, RunnerIdentity runner) {
    }

    private final Path file;
    private final String token;
    private final WireMockServer server;
    private final Map<Long, Run> runs = new ConcurrentHashMap<>();
    /** When each job was first seen pending: GitLab's {@code queued_at}. */
    private final Map<Long, Instant> queuedAt = new ConcurrentHashMap<>();
    private final List<Job> added = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Set<Long> announced = ConcurrentHashMap.newKeySet();
    private volatile JobHooks hooks;
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
        List<Job> all = new ArrayList<>(jobs);
        all.addAll(added);
        return all;
    }

    /** Where Job Hooks go once a runner takes a job (the webhook); none are sent before. */
    public void sendHooks(JobHooks hooks) {
        this.hooks = hooks;
    }

    /** A new pending job, queued now (what a pipeline's new job is once GitLab made it pending). */
    public synchronized Job addPendingJob(long projectId, long id, String name, List<String> tags, Duration runsFor) {
        if (jobs().stream().anyMatch(j -> j.id() == id)) {
            throw new IllegalArgumentException("job " + id + " exists already");
        }
        Job job = new Job(projectId, id, name, "test", "pending", List.copyOf(tags), runsFor);
        queuedAt.put(id, Instant.now());
        added.add(job);
        return job;
    }

    /**
     * The job became pending now (GitLab sends its {@code pending} Job Hook then): its queue time counts from now.
     * A job of the file is otherwise pending since the file was loaded.
     */
    public void pendingNow(long jobId) {
        // Once per job: a second delivery of the same pending event does not move GitLab's queued_at.
        if (!runs.containsKey(jobId) && announced.add(jobId)) {
            queuedAt.put(jobId, Instant.now());
        }
    }

    /**
     * A runner asks for a job ({@code POST /api/v4/jobs/request}): the pending job of smallest id that it may run,
     * as GitLab's queue orders a project or group runner's jobs ({@code app/services/ci/queue/
     * pending_builds_strategy.rb}, {@code order}: {@code build_id ASC}). It may run a job when every tag of the job
     * is among its tags, and an untagged job only when it runs untagged jobs ({@code app/models/ci/runner.rb},
     * {@code accepting_tags?}). The job is then running, with {@code queued_duration} = started − queued
     * ({@code Ci::Build#queued_duration}), and its {@code running} hook is sent.
     */
    @Override
    public synchronized Optional<Taken> request(RunnerIdentity runner, Instant now) {
        Optional<Job> next = jobs().stream()
                .filter(j -> "pending".equals(status(j)))
                .filter(j -> runner.tags().containsAll(j.tags()) && (!j.tags().isEmpty() || runner.runUntagged()))
                .min(Comparator.comparingLong(Job::id));
        if (next.isEmpty()) {
            return Optional.empty();
        }
        Job job = next.get();
        Instant queued = queuedAt.getOrDefault(job.id(), now);
        Duration waited = Duration.between(queued, now).isNegative() ? Duration.ZERO : Duration.between(queued, now);
        runs.put(job.id(), new Run("running", now, null, waited, runner));
        hook(job, runs.get(job.id()));
        return Optional.of(new Taken(job.projectId(), job.id(), job.runsFor(), waited));
    }

    /** The runner reports its job's end ({@code PUT /api/v4/jobs/:id}); its hook is sent. */
    @Override
    public synchronized void finish(long jobId, String status, Instant now) {
        Run run = runs.get(jobId);
        if (run == null || !"running".equals(run.status())) {
            return;
        }
        Run finished = new Run(status, run.startedAt(), now, run.queued(), run.runner());
        runs.put(jobId, finished);
        jobs().stream().filter(j -> j.id() == jobId).findFirst().ifPresent(j -> hook(j, finished));
    }

    private void hook(Job job, Run run) {
        JobHooks target = hooks;
        if (target != null) {
            target.send(target.body(job, run.status(), run.startedAt(), run.finishedAt(), run.queued(), run.runner()));
        }
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
                Duration runsFor = job.path("duration").canConvertToLong() && job.path("duration").asLong() > 0
                        ? Duration.ofSeconds(job.path("duration").asLong()) : null;
                loaded.add(new Job(job.path("project").asLong(), job.path("id").asLong(), job.path("name").asText("job"),
                        job.path("stage").asText("test"), job.path("status").asText("pending"), List.copyOf(tags),
                        runsFor));
            }
            projects = projectPaths;
            access = projectAccess;
            jobs = List.copyOf(loaded);
            Instant now = Instant.now();
            loaded.stream().filter(j -> "pending".equals(j.status())).forEach(j -> queuedAt.putIfAbsent(j.id(), now));
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

    /** Without the simulation: the job's own task is RUNNING, so GitLab reports the job running from now on. */
    public synchronized void jobRunning(long jobId) {
        runs.putIfAbsent(jobId, new Run("running", Instant.now(), null, Duration.ZERO, null));
    }

    /** Without the simulation: the job's task stopped, so GitLab reports the job finished. */
    public synchronized void jobFinished(long jobId) {
        Run run = runs.get(jobId);
        runs.put(jobId, new Run("success", run == null ? null : run.startedAt(), Instant.now(),
                run == null ? Duration.ZERO : run.queued(), run == null ? null : run.runner()));
    }

    public String status(Job job) {
        Run run = runs.get(job.id());
        return run != null ? run.status() : job.status();
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
            for (Job job : jobs()) {
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
        Run run = runs.get(job.id());
        if (run != null && run.runner() != null) {
            // The Jobs API's job entity once a runner took it: started_at, queued_duration, runner
            // (lib/api/entities/ci/job_basic.rb, and lib/api/entities/ci/runner.rb for the runner).
            node.put("started_at", run.startedAt().toString());
            node.put("queued_duration", run.queued().toMillis() / 1000d);
            ObjectNode runner = node.putObject("runner");
            runner.put("id", run.runner().id());
            runner.put("description", run.runner().description());
            runner.putNull("ip_address");
            runner.put("active", true);
            runner.put("paused", false);
            runner.put("is_shared", false);
            runner.put("runner_type", "project_type");
            runner.putNull("name");
            runner.put("online", true);
            runner.put("status", "online");
        } else {
            node.putNull("runner");
        }
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
