package dev.fargatescaler.reporter;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.report.PriceTable;
import dev.fargatescaler.shared.config.EnvReader;
import dev.fargatescaler.shared.config.EnvironmentsLoader;
import dev.fargatescaler.shared.config.GitLabSettings;
import java.time.Duration;

/**
 * The reporter function's settings, read once per container from environment variables (set by
 * {@code template.yaml}). Every problem is reported at once.
 *
 * @param gitLab              {@code GITLAB_URL}, {@code GITLAB_TOKEN_SECRET}, {@code GITLAB_TIMEOUT_SECONDS}: to
 *                            check that a job is still pending before relaunching it
 * @param queueUrl            {@code JOB_QUEUE_URL}: where relaunched jobs are queued
 * @param maxRelaunches       {@code RELAUNCH_MAX_ATTEMPTS} (default 2, 0 turns relaunching off): relaunches per job
 * @param prices              {@code PRICE_TABLE}: JSON price overrides (see {@link PriceTable}); default us-east-1
 * @param defaultArchitecture {@code DEFAULT_CPU_ARCHITECTURE} (default {@code x86_64}): assumed when an event
 *                            does not name the task's architecture
 * @param environments        {@code ENVIRONMENTS} or {@code ENVIRONMENTS_SSM_PATH}, optional: only the environments'
 *                            {@code cost} hints are used, when an event lacks the task size; null when neither is set
 * @param memoryCapacity      {@code DEDUP_MEMORY_SIZE} (default 10000): events remembered per container
 * @param secretTtl           {@code SECRET_CACHE_TTL_SECONDS} (default 300)
 * @param metricsNamespace    {@code POWERTOOLS_METRICS_NAMESPACE} (default {@code GitLabFargateScaler})
 */
public record ReporterConfig(GitLabSettings gitLab, String queueUrl, int maxRelaunches, PriceTable prices,
                             String defaultArchitecture, EnvironmentsLoader.Source environments,
                             int memoryCapacity, Duration secretTtl,
                             String metricsNamespace) {

    public static ReporterConfig load(EnvReader env) {
        GitLabSettings gitLab = GitLabSettings.read(env);
        String queueUrl = env.required("JOB_QUEUE_URL");
        int maxRelaunches = env.integer("RELAUNCH_MAX_ATTEMPTS", 2, 0, 10);
        PriceTable prices = PriceTable.DEFAULT;
        try {
            prices = PriceTable.parse(env.optional("PRICE_TABLE", null));
        } catch (ConfigurationException e) {
            e.problems().forEach(p -> env.problem("PRICE_TABLE: " + p));
        }
        String architecture = env.optional("DEFAULT_CPU_ARCHITECTURE", PriceTable.X86_64);
        if (PriceTable.normaliseArchitecture(architecture) == null) {
            env.problem("DEFAULT_CPU_ARCHITECTURE must be x86_64 or arm64, got \"" + architecture + "\"");
        }
        EnvironmentsLoader.Source environments = env.optional(EnvironmentsLoader.INLINE, null) == null
                && env.optional(EnvironmentsLoader.SSM_PATH, null) == null ? null : EnvironmentsLoader.source(env);
        int memory = env.integer("DEDUP_MEMORY_SIZE", 10_000, 100, 1_000_000);
        Duration ttl = env.seconds("SECRET_CACHE_TTL_SECONDS", Duration.ofMinutes(5), 0, 86_400);
        String namespace = env.optional("POWERTOOLS_METRICS_NAMESPACE", "GitLabFargateScaler");
        env.validate();
        return new ReporterConfig(gitLab, queueUrl, maxRelaunches, prices,
                PriceTable.normaliseArchitecture(architecture), environments, memory, ttl, namespace);
    }
}
