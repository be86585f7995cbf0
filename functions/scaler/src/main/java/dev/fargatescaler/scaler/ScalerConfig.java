package dev.fargatescaler.scaler;

import dev.fargatescaler.shared.config.EnvReader;
import dev.fargatescaler.shared.config.EnvironmentsLoader;
import dev.fargatescaler.shared.config.GitLabSettings;
import java.net.URI;
import java.time.Duration;

/**
 * The scaler function's settings, read once per container from environment variables (set by
 * {@code template.yaml}). Every problem is reported at once; the environments themselves are loaded from
 * {@link #environments()} afterwards, and kept current while the container lives (see {@link EnvironmentsLoader}).
 *
 * @param gitLabUrl          {@code GITLAB_URL}: the GitLab instance whose API is called (never a URL from a
 *                           webhook)
 * @param gitLabTokenSecret  {@code GITLAB_TOKEN_SECRET}: reference to a {@code read_api} token
 *                           ({@code ssm:/path} or a Secrets Manager name/ARN)
 * @param gitLabTimeout      {@code GITLAB_TIMEOUT_SECONDS} (default 5): per GitLab request
 * @param queueUrl           {@code JOB_QUEUE_URL}: the job queue (visibility changes, re-queueing)
 * @param queueMaxReceiveCount {@code QUEUE_MAX_RECEIVE_COUNT} (default 8): the queue's redrive
 *                           {@code maxReceiveCount}; a waiting job is queued afresh two receives before it
 * @param environments       {@code ENVIRONMENTS} or {@code ENVIRONMENTS_SSM_PATH}, and
 *                           {@code ENVIRONMENTS_REFRESH_SECONDS}
 * @param secretTtl          {@code SECRET_CACHE_TTL_SECONDS} (default 300)
 * @param metricsNamespace   {@code POWERTOOLS_METRICS_NAMESPACE} (default {@code GitLabFargateScaler})
 */
public record ScalerConfig(URI gitLabUrl, String gitLabTokenSecret, Duration gitLabTimeout, String queueUrl,
                           int queueMaxReceiveCount, EnvironmentsLoader.Source environments, Duration secretTtl,
                           String metricsNamespace) {

    public static ScalerConfig load(EnvReader env) {
        GitLabSettings gitLab = GitLabSettings.read(env);
        String queueUrl = env.required("JOB_QUEUE_URL");
        int maxReceive = env.integer("QUEUE_MAX_RECEIVE_COUNT", 8, 2, 1000);
        EnvironmentsLoader.Source environments = EnvironmentsLoader.source(env);
        Duration ttl = env.seconds("SECRET_CACHE_TTL_SECONDS", Duration.ofMinutes(5), 0, 86_400);
        String namespace = env.optional("POWERTOOLS_METRICS_NAMESPACE", "GitLabFargateScaler");
        env.validate();
        return new ScalerConfig(gitLab.url(), gitLab.tokenSecret(), gitLab.timeout(), queueUrl, maxReceive,
                environments, ttl, namespace);
    }

    /** The GitLab API settings, as the other functions hold them. */
    public GitLabSettings gitLab() {
        return new GitLabSettings(gitLabUrl, gitLabTokenSecret, gitLabTimeout);
    }

    /**
     * The receive count at which a job that must wait (capacity, or a transient error within
     * {@code JobLauncher.RETRY_HORIZON}) is queued afresh: two before the dead-letter queue, which leaves room for
     * one invocation that crashes (timeout, out of memory) after the message was received, since a crash consumes
     * a receive without any decision being made.
     */
    public int requeueAtReceiveCount() {
        return Math.max(1, queueMaxReceiveCount - 2);
    }
}
