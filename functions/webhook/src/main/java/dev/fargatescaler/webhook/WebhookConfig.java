package dev.fargatescaler.webhook;

import dev.fargatescaler.shared.config.EnvReader;
import dev.fargatescaler.shared.config.EnvironmentsLoader;
import java.time.Duration;

/**
 * The webhook function's settings, read once per container from environment variables (set by
 * {@code template.yaml}). Every problem is reported at once.
 *
 * @param queueUrl         {@code JOB_QUEUE_URL}: the SQS queue the scaler reads
 * @param tokenSecret      {@code WEBHOOK_TOKEN_SECRET}: reference to the hook's secret token
 *                         ({@code ssm:/path} or a Secrets Manager name/ARN); empty turns token checks off
 * @param signingSecret    {@code WEBHOOK_SIGNING_SECRET}: reference to the {@code whsec_} signing token; empty
 *                         turns signature checks off. At least one of the two is required.
 * @param secretTtl        {@code SECRET_CACHE_TTL_SECONDS} (default 300): how long secrets are cached
 * @param projectsTable    {@code PROJECTS_TABLE}: the DynamoDB table where the project of every authenticated Job
 *                         Hook is recorded for the sweeper's catch-up; empty turns that off
 * @param metricsNamespace {@code POWERTOOLS_METRICS_NAMESPACE} (default {@code GitLabFargateScaler})
 * @param environments     {@code ENVIRONMENTS} or {@code ENVIRONMENTS_SSM_PATH} (as for the scaler), optional:
 *                         with them the queue time of {@code running} jobs is recorded per environment, without
 *                         them as a total only; null when neither is set
 */
public record WebhookConfig(String queueUrl, String tokenSecret, String signingSecret, Duration secretTtl,
                            String metricsNamespace, String projectsTable, EnvironmentsLoader.Source environments) {

    public WebhookConfig(String queueUrl, String tokenSecret, String signingSecret, Duration secretTtl,
                         String metricsNamespace, String projectsTable) {
        this(queueUrl, tokenSecret, signingSecret, secretTtl, metricsNamespace, projectsTable, null);
    }

    public static WebhookConfig load(EnvReader env) {
        String queueUrl = env.required("JOB_QUEUE_URL");
        String token = env.optional("WEBHOOK_TOKEN_SECRET", null);
        String signing = env.optional("WEBHOOK_SIGNING_SECRET", null);
        if (token == null && signing == null) {
            env.problem("WEBHOOK_TOKEN_SECRET or WEBHOOK_SIGNING_SECRET is required (both may be set); "
                    + "a webhook endpoint without authentication is refused");
        }
        Duration ttl = env.seconds("SECRET_CACHE_TTL_SECONDS", Duration.ofMinutes(5), 0, 86_400);
        String namespace = env.optional("POWERTOOLS_METRICS_NAMESPACE", "GitLabFargateScaler");
        String projectsTable = env.optional("PROJECTS_TABLE", null);
        boolean hasEnvironments = env.optional(EnvironmentsLoader.INLINE, null) != null
                || env.optional(EnvironmentsLoader.SSM_PATH, null) != null;
        EnvironmentsLoader.Source environments = hasEnvironments ? EnvironmentsLoader.source(env) : null;
        env.validate();
        return new WebhookConfig(queueUrl, token, signing, ttl, namespace, projectsTable, environments);
    }
}
