package dev.fargatescaler.sweeper;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.report.PriceTable;
import dev.fargatescaler.shared.config.EnvReader;
import dev.fargatescaler.shared.config.EnvironmentsLoader;
import dev.fargatescaler.shared.config.GitLabSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The sweeper function's settings, read once per container from environment variables (set by
 * {@code template.yaml}). Every problem is reported at once. The reaper needs only the environments; the
 * catch-up, which is on when the projects table is set or projects are listed, also needs GitLab and the queue.
 *
 * @param environments   {@code ENVIRONMENTS} or {@code ENVIRONMENTS_SSM_PATH} (as for the scaler): clusters,
 *                       {@code maxTaskLifetime}, {@code stuckBeforeRunningTimeout}, routing for the catch-up
 * @param projectsTable  {@code PROJECTS_TABLE}: the DynamoDB table of the projects seen by the webhook
 *                       (discovery); null turns discovery off
 * @param projectIds     {@code CATCH_UP_PROJECT_IDS}: comma-separated GitLab project ids, walked in addition to
 *                       the discovered ones
 * @param activeWindow   {@code CATCH_UP_ACTIVE_DAYS} (default 7, at most 30): a discovered project is walked while
 *                       its last webhook is at most this old
 * @param gitLab         {@code GITLAB_URL}, {@code GITLAB_TOKEN_SECRET}, {@code GITLAB_TIMEOUT_SECONDS}; null
 *                       when the catch-up is off
 * @param queueUrl       {@code JOB_QUEUE_URL}: where caught-up jobs are queued; null when the catch-up is off
 * @param maxPages       {@code CATCH_UP_MAX_PAGES} (default 100): GitLab requests (pages of 100 jobs) per run
 * @param maxPagesPerProject {@code CATCH_UP_MAX_PAGES_PER_PROJECT} (default 10, at most {@code maxPages}): pages
 *                       per project and run, so that one project with a long pending list cannot take the budget
 *                       of the others
 * @param maxJobs        {@code CATCH_UP_MAX_JOBS} (default 100): jobs queued per run
 * @param timeReserve    {@code SWEEP_TIME_RESERVE_SECONDS} (default 10): stop new work when the invocation has
 *                       less time left than this
 * @param secretTtl      {@code SECRET_CACHE_TTL_SECONDS} (default 300)
 * @param metricsNamespace {@code POWERTOOLS_METRICS_NAMESPACE} (default {@code GitLabFargateScaler})
 * @param prices         {@code PRICE_TABLE} (as for the reporter): the warm pools' cost per day
 */
public record SweeperConfig(EnvironmentsLoader.Source environments, String projectsTable, List<Long> projectIds,
                            Duration activeWindow, GitLabSettings gitLab, String queueUrl, int maxPages,
                            int maxPagesPerProject, int maxJobs, Duration timeReserve, Duration secretTtl,
                            String metricsNamespace, PriceTable prices) {

    static final int MAX_PROJECTS = 1000;
    /** The most discovered projects one run reads from the table. */
    static final int MAX_DISCOVERED_PROJECTS = 10_000;

    public static SweeperConfig load(EnvReader env) {
        EnvironmentsLoader.Source environments = EnvironmentsLoader.source(env);
        String table = env.optional("PROJECTS_TABLE", null);
        List<Long> projects = projectIds(env, env.optional("CATCH_UP_PROJECT_IDS", ""));
        int activeDays = env.integer("CATCH_UP_ACTIVE_DAYS", 7, 1, 30);
        GitLabSettings gitLab = null;
        String queueUrl = null;
        if (table != null || !projects.isEmpty()) {
            gitLab = GitLabSettings.read(env);
            queueUrl = env.required("JOB_QUEUE_URL");
        }
        int maxPages = env.integer("CATCH_UP_MAX_PAGES", 100, 1, 1000);
        int maxPagesPerProject = env.integer("CATCH_UP_MAX_PAGES_PER_PROJECT", Math.min(10, maxPages), 1, 1000);
        if (maxPagesPerProject > maxPages) {
            env.problem("CATCH_UP_MAX_PAGES_PER_PROJECT (" + maxPagesPerProject + ") must not exceed "
                    + "CATCH_UP_MAX_PAGES (" + maxPages + ")");
        }
        int maxJobs = env.integer("CATCH_UP_MAX_JOBS", 100, 1, 10_000);
        Duration reserve = env.seconds("SWEEP_TIME_RESERVE_SECONDS", Duration.ofSeconds(10), 1, 600);
        Duration ttl = env.seconds("SECRET_CACHE_TTL_SECONDS", Duration.ofMinutes(5), 0, 86_400);
        String namespace = env.optional("POWERTOOLS_METRICS_NAMESPACE", "GitLabFargateScaler");
        PriceTable prices = PriceTable.DEFAULT;
        try {
            prices = PriceTable.parse(env.optional("PRICE_TABLE", null));
        } catch (ConfigurationException e) {
            e.problems().forEach(p -> env.problem("PRICE_TABLE: " + p));
        }
        env.validate();
        return new SweeperConfig(environments, table, projects, Duration.ofDays(activeDays), gitLab, queueUrl,
                maxPages, maxPagesPerProject, maxJobs, reserve, ttl, namespace, prices);
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
        return projectsTable != null || !projectIds.isEmpty();
    }
}
