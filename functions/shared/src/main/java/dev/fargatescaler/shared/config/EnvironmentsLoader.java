package dev.fargatescaler.shared.config;

import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.environment.RefreshingEnvironments;
import dev.fargatescaler.domain.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Where the environments come from, one of two places (documented in docs/configuration.md):
 * <ul>
 *   <li>{@code ENVIRONMENTS}: a JSON array inline in the environment variable (small installations, local
 *       mode, tests). It cannot change while a function version lives (a change publishes a new version), so it
 *       is parsed once, at init, and a mistake fails the init with every problem listed;</li>
 *   <li>{@code ENVIRONMENTS_SSM_PATH}: an SSM Parameter Store path; every parameter below it (recursively) holds
 *       ONE environment's JSON ({@link SsmEnvironmentsSource}). Adding an environment is adding a parameter (for
 *       example by deploying one more per-environment stack). The list is reloaded every
 *       {@code ENVIRONMENTS_REFRESH_SECONDS} (default 60), after each SnapStart restore, and at once when a job
 *       cannot be routed under a list older than the job ({@link RefreshingEnvironments}). An empty path is
 *       valid (no environment yet: jobs wait), and an unreadable one does not fail the init (jobs wait, with a
 *       log line and the {@code EnvironmentsRefreshFailed} metric).</li>
 * </ul>
 */
public final class EnvironmentsLoader {

    public static final String INLINE = "ENVIRONMENTS";
    public static final String SSM_PATH = "ENVIRONMENTS_SSM_PATH";
    public static final String REFRESH_SECONDS = "ENVIRONMENTS_REFRESH_SECONDS";
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(60);

    /** Where the environments come from: exactly one of the two is set; how often an SSM list is reloaded. */
    public record Source(String inlineJson, String ssmPath, Duration refresh) {

        public Source(String inlineJson, String ssmPath) {
            this(inlineJson, ssmPath, DEFAULT_REFRESH);
        }
    }

    private EnvironmentsLoader() {
    }

    /** Reads the variables, reporting a missing or doubled source into {@code env}. */
    public static Source source(EnvReader env) {
        String inline = env.optional(INLINE, null);
        String path = env.optional(SSM_PATH, null);
        // At least 10 s: each container reloads once per period, and SSM's GetParametersByPath throughput is shared
        // by the account. At most an hour: beyond that, changes would wait for new containers anyway.
        Duration refresh = env.seconds(REFRESH_SECONDS, DEFAULT_REFRESH, 10, 3600);
        if (inline == null && path == null) {
            env.problem(INLINE + " (a JSON array) or " + SSM_PATH + " (an SSM path) is required");
        } else if (inline != null && path != null) {
            env.problem("set only one of " + INLINE + " and " + SSM_PATH);
        } else if (path != null && !path.startsWith("/")) {
            env.problem(SSM_PATH + " must be an absolute SSM path such as /glfs/environments, got \"" + path + "\"");
        }
        return new Source(inline, path, refresh);
    }

    /**
     * The provider for {@code source}: the inline list, parsed now, or a list reloaded from SSM.
     *
     * @param ssm built only when the source is SSM
     * @throws dev.fargatescaler.domain.errors.ConfigurationException for invalid inline JSON
     */
    public static EnvironmentsProvider provider(Source source, Supplier<SsmClient> ssm, Clock clock,
                                                Metrics metrics) {
        if (source.inlineJson() != null) {
            return EnvironmentsProvider.fixed(EnvironmentParser.parseArray(source.inlineJson(), INLINE));
        }
        return new RefreshingEnvironments(new SsmEnvironmentsSource(ssm.get(), source.ssmPath()), source.refresh(),
                clock, metrics);
    }

    /** Every parameter below {@code path}, recursively, one environment each; empty when there is none. */
    public static Environments fromSsm(SsmClient ssm, String path) {
        return new SsmEnvironmentsSource(ssm, path).load();
    }
}
