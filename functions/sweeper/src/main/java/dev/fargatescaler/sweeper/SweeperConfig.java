package dev.fargatescaler.sweeper;

import dev.fargatescaler.shared.config.EnvReader;
import dev.fargatescaler.shared.config.EnvironmentsLoader;
import dev.fargatescaler.shared.config.GitLabSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The sweeper function's settings, read once per container from environment variables (set by
 * {@code template.yaml}). Every problem is reported at once. The reaper needs only the environments; the
 * catch-up, when projects are configured, also needs GitLab and the queue.
 *
 * @param environments   {@code ENVIRONMENTS} or {@code ENVIRONMENTS_SSM_PATH} (as for the scaler): clusters,
 *                       {@code maxTaskLifetime}, {@code stuckBeforeRunningTimeout}, routing for the catch-up
 * @param projectIds     {@code CATCH_UP_PROJECT_IDS}: comma-separated GitLab project ids; empty turns the
 *                       catch-up off
 * @param gitLab         {@code GITLAB_URL}, {@code GITLAB_TOKEN_SECRET}, {@code GITLAB_TIMEOUT_SECONDS}; null
 *                       when the catch-up is off
 * @param queueUrl       {@code JOB_QUEUE_URL}: where caught-up jobs are queued; null when the catch-up is off
 * @param maxPages       {@code CATCH_UP_MAX_PAGES} (default 20): GitLab pages (100 jobs each) per run
 * @param maxJobs        {@code CATCH_UP_MAX_JOBS} (default 100): jobs queued per run
 * @param timeReserve    {@code SWEEP_TIME_RESERVE_SECONDS} (default 10): stop new work when the invocation has
 *                       less time left than this
 * @param secretTtl      {@code SECRET_CACHE_TTL_SECONDS} (default 300)
 * @param metricsNamespace {@code POWERTOOLS_METRICS_NAMESPACE} (default {@code GitLabFargateScaler})
 */
public record SweeperConfig(EnvironmentsLoader.Source environments, List<Long> projectIds, GitLabSettings gitLab,
                            String queueUrl, int maxPages, int maxJobs, Duration timeReserve, Duration secretTtl,
                            String metricsNamespace) {

    static final int MAX_PROJECTS = 1000;

    public static SweeperConfig load(EnvReader env) {
        EnvironmentsLoader.Source environments = EnvironmentsLoader.source(env);
        List<Long> projects = projectIds(env, env.optional("CATCH_UP_PROJECT_IDS", ""));
        GitLabSettings gitLab = null;
        String queueUrl = null;
        if (!projects.isEmpty()) {
            gitLab = GitLabSettings.read(env);
            queueUrl = env.required("JOB_QUEUE_URL");
        }
        int maxPages = env.integer("CATCH_UP_MAX_PAGES", 20, 1, 1000);
        int maxJobs = env.integer("CATCH_UP_MAX_JOBS", 100, 1, 10_000);
        Duration reserve = env.seconds("SWEEP_TIME_RESERVE_SECONDS", Duration.ofSeconds(10), 1, 600);
        Duration ttl = env.seconds("SECRET_CACHE_TTL_SECONDS", Duration.ofMinutes(5), 0, 86_400);
        String namespace = env.optional("POWERTOOLS_METRICS_NAMESPACE", "GitLabFargateScaler");
        env.validate();
        return new SweeperConfig(environments, projects, gitLab, queueUrl, maxPages, maxJobs, reserve, ttl,
                namespace);
    }

    private static List<Long> projectIds(EnvReader env, String value) {
        List<Long> ids = new ArrayList<>();
        for (String part : value.split("[,\\s]+")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                long id = Long.parseLong(part);
                if (id <= 0) {
                    throw new NumberFormatException();
                }
                if (!ids.contains(id)) {
                    ids.add(id);
                }
            } catch (NumberFormatException e) {
                env.problem("CATCH_UP_PROJECT_IDS must be comma-separated GitLab project ids (positive integers), "
                        + "got \"" + part + "\"");
            }
        }
        if (ids.size() > MAX_PROJECTS) {
            env.problem("CATCH_UP_PROJECT_IDS lists " + ids.size() + " projects; at most " + MAX_PROJECTS);
        }
        return List.copyOf(ids);
    }

    public boolean catchUpEnabled() {
        return !projectIds.isEmpty();
    }
}
