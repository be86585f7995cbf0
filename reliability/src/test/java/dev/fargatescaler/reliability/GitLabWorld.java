package dev.fargatescaler.reliability;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GitLab side of the simulation: every job's tags and current status, served on the real Jobs API path
 * ({@code GET /api/v4/projects/:id/jobs/:job_id}) by a WireMock extension, with rate limiting (429 with
 * {@code Retry-After}) and server errors (500, 502, 503) injected at random.
 */
final class GitLabWorld implements ResponseDefinitionTransformerV2 {

    /** One job as GitLab knows it. */
    static final class Job {
        final long projectId;
        final long id;
        final String tag;
        volatile String status = "pending";

        Job(long projectId, long id, String tag) {
            this.projectId = projectId;
            this.id = id;
            this.tag = tag;
        }
    }

    private static final Pattern JOB_PATH = Pattern.compile("/api/v4/projects/(\\d+)/jobs/(\\d+)");

    private final Map<Long, Job> jobs = new ConcurrentHashMap<>();
    private final Random random;
    private final double rateLimited;
    private final double serverErrors;
    private final String token;
    private int calls;
    private int injected429;
    private int injected5xx;

    GitLabWorld(Random random, double rateLimited, double serverErrors, String token) {
        this.random = random;
        this.rateLimited = rateLimited;
        this.serverErrors = serverErrors;
        this.token = token;
    }

    void add(Job job) {
        jobs.put(job.id, job);
    }

    Job job(long id) {
        return jobs.get(id);
    }

    List<Job> jobs() {
        return List.copyOf(jobs.values());
    }

    synchronized int calls() {
        return calls;
    }

    synchronized int injected429() {
        return injected429;
    }

    synchronized int injected5xx() {
        return injected5xx;
    }

    @Override
    public String getName() {
        return "gitlab-world";
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent serveEvent) {
        calls++;
        if (!token.equals(serveEvent.getRequest().getHeader("PRIVATE-TOKEN"))) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(401)
                    .withBody("{\"message\":\"401 Unauthorized\"}").build();
        }
        double roll = random.nextDouble();
        if (roll < rateLimited) {
            injected429++;
            return ResponseDefinitionBuilder.responseDefinition().withStatus(429)
                    .withHeader("Retry-After", Integer.toString(1 + random.nextInt(30)))
                    .withBody("Retry later").build();
        }
        if (roll < rateLimited + serverErrors) {
            injected5xx++;
            return ResponseDefinitionBuilder.responseDefinition().withStatus(new int[] {500, 502, 503}[random.nextInt(3)])
                    .withBody("<html>oops</html>").build();
        }
        Matcher m = JOB_PATH.matcher(serveEvent.getRequest().getUrl());
        Job job = m.matches() ? jobs.get(Long.parseLong(m.group(2))) : null;
        if (job == null || job.projectId != Long.parseLong(m.group(1))) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(404)
                    .withBody("{\"message\":\"404 Not found\"}").build();
        }
        String body = "{\"id\":" + job.id + ",\"status\":\"" + job.status + "\",\"tag_list\":[\"" + job.tag + "\"],"
                + "\"ref\":\"main\",\"name\":\"build\",\"stage\":\"test\",\"pipeline\":{\"id\":1,\"project_id\":"
                + job.projectId + "},\"web_url\":\"https://gitlab.example.com/group/app-" + job.projectId + "/-/jobs/"
                + job.id + "\",\"unknown_future_field\":{\"a\":1}}";
        return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body).build();
    }
}
