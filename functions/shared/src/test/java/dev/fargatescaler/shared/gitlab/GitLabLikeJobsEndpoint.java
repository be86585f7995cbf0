package dev.fargatescaler.shared.gitlab;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.fargatescaler.testkit.gitlab.GitLabJobsApi;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WireMock transformer that answers {@code /api/v4/projects/:id/jobs[/:job_id]} exactly as GitLab's code does,
 * through testkit's {@link GitLabJobsApi} (whose Javadoc cites the GitLab sources of every rule). Tests put
 * projects in {@link #projects}; a project that is not there answers 404 "Project Not Found", as in GitLab.
 */
final class GitLabLikeJobsEndpoint implements ResponseDefinitionTransformerV2 {

    static final String NAME = "gitlab-like-jobs";
    private static final Pattern PATH = Pattern.compile("/api/v4/projects/([0-9]+)/jobs(?:/([0-9]+))?");

    final Map<Long, GitLabJobsApi.Project> projects = new ConcurrentHashMap<>();
    private final GitLabJobsApi api = new GitLabJobsApi("https://gitlab.example.com");

    void put(long projectId, GitLabJobsApi.Access access, List<ObjectNode> jobs) {
        projects.put(projectId, new GitLabJobsApi.Project(projectId, access, jobs));
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        URI uri = URI.create(serveEvent.getRequest().getUrl());
        Matcher m = PATH.matcher(uri.getPath());
        if (!m.matches()) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(404)
                    .withBody("{\"error\":\"404 Not Found\"}").build();
        }
        Optional<GitLabJobsApi.Project> project = Optional.ofNullable(projects.get(Long.parseLong(m.group(1))));
        GitLabJobsApi.Answer answer = m.group(2) != null
                ? api.job(project, Long.parseLong(m.group(2)))
                : api.list(project, m.group(1), uri.getRawQuery());
        ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(answer.status()).withBody(answer.body());
        answer.headers().forEach(response::withHeader);
        return response.build();
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
