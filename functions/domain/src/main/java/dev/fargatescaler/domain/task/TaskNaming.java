package dev.fargatescaler.domain.task;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How this product names the ECS tasks it starts, shared by the scaler (which sets the names), the reporter
 * and the sweeper (which recognise them). All of it is deterministic for a given job, because ECS RunTask's
 * idempotency ({@code clientToken}) only holds when every parameter is identical.
 *
 * <ul>
 *   <li>{@code startedBy} = {@code glfs/<environment>/<projectId>/<jobId>}: names the job; ListTasks by
 *       {@code startedBy} finds the job's running task (ListTasks' {@code startedBy} takes no other filter,
 *       and ECS allows letters, digits, {@code -}, {@code /} and {@code _}, 128 characters at most).</li>
 *   <li>{@code group} = {@code glfs:<environment>}: recognisable in EventBridge events.</li>
 *   <li>{@code clientToken} = {@code glfs-<environment>-<projectId>-<jobId>-<attempt>}: at most 64 ASCII
 *       characters; a relaunch has a new attempt number and so a new token.</li>
 * </ul>
 *
 * <p>Warm-pool tasks (docs/warm-pool.md) run no particular job, so their names say so:
 * <ul>
 *   <li>{@code startedBy} = {@code glfs/<environment>/pool/<minute>-<slot>} (the keeper's run, in minutes since
 *       the epoch, and the slot it filled): never a job's name, since a job's has digits where this has
 *       {@code pool};</li>
 *   <li>{@code group} = the environment's {@code glfs:<environment>}, like its job tasks: the scaler counts an
 *       environment's active tasks by group for {@code maxConcurrentTasks}, so pool tasks take their share of
 *       the limit without another count;</li>
 *   <li>{@code clientToken} = {@code glfp-<environment>-<minute>-<slot>}: a keeper run retried in the same
 *       minute starts no second task for the same slot.</li>
 * </ul>
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
 */
public final class TaskNaming {

    public static final String STARTED_BY_PREFIX = "glfs/";
    public static final String GROUP_PREFIX = "glfs:";
    /** Prefix of the client token of an on-demand retry after a Spot capacity shortage. */
    public static final String ON_DEMAND_TOKEN_PREFIX = "gfod-";
    /** Environment names are restricted so that every derived name stays valid and short. */
    public static final Pattern ENVIRONMENT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,19}");

    private static final Pattern POOL_STARTED_BY = Pattern.compile(
            "glfs/(" + ENVIRONMENT_NAME.pattern() + ")/pool/[0-9]{1,12}-[0-9]{1,4}");
    private static final Pattern STARTED_BY = Pattern.compile(
            "glfs/(" + ENVIRONMENT_NAME.pattern() + ")/([1-9][0-9]{0,18})/([1-9][0-9]{0,18})");

    /** What a {@code startedBy} value says about the task. */
    public record JobTask(String environment, long projectId, long jobId) {
    }

    private TaskNaming() {
    }

    public static String startedBy(String environment, long projectId, long jobId) {
        requireEnvironmentName(environment);
        return STARTED_BY_PREFIX + environment + "/" + projectId + "/" + jobId;
    }

    public static String group(String environment) {
        requireEnvironmentName(environment);
        return GROUP_PREFIX + environment;
    }

    public static String clientToken(String environment, long projectId, long jobId, int attempt) {
        requireEnvironmentName(environment);
        // 5 + 20 + 1 + 19 + 1 + 19 + 1 + 10 = 76 in the worst case: shorten ids past 64 characters.
        String token = "glfs-" + environment + "-" + projectId + "-" + jobId + "-" + attempt;
        if (token.length() <= 64) {
            return token;
        }
        // A different prefix keeps the short form from ever colliding with a decimal one.
        return "glfz-" + environment + "-" + Long.toString(projectId, 36) + "-" + Long.toString(jobId, 36) + "-"
                + attempt;
    }

    /**
     * The {@code clientToken} of the on-demand retry after Fargate Spot reported no capacity. It must differ
     * from {@link #clientToken}: ECS answers {@code ConflictException} when a token is reused with different
     * parameters, and the retry changes {@code capacityProviderStrategy} to {@code launchType}. Same length as
     * the original token (the prefix {@code glfs-} becomes {@code gfod-}), so it also stays within 64
     * characters.
     */
    public static String onDemandFallbackClientToken(String environment, long projectId, long jobId, int attempt) {
        return ON_DEMAND_TOKEN_PREFIX + clientToken(environment, projectId, jobId, attempt).substring(5);
    }

    /** {@code startedBy} of the warm-pool task the keeper starts in {@code slot} during {@code epochMinute}. */
    public static String poolStartedBy(String environment, long epochMinute, int slot) {
        requireEnvironmentName(environment);
        return STARTED_BY_PREFIX + environment + "/pool/" + epochMinute + "-" + slot;
    }

    /** The {@code clientToken} of that launch: at most 5 + 20 + 1 + 12 + 1 + 4 = 43 characters. */
    public static String poolClientToken(String environment, long epochMinute, int slot) {
        requireEnvironmentName(environment);
        return "glfp-" + environment + "-" + epochMinute + "-" + slot;
    }

    /** The environment of a warm-pool task's {@code startedBy}; empty for every other task. */
    public static Optional<String> poolEnvironment(String startedBy) {
        if (startedBy == null) {
            return Optional.empty();
        }
        Matcher m = POOL_STARTED_BY.matcher(startedBy);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public static boolean isPoolTask(String startedBy) {
        return poolEnvironment(startedBy).isPresent();
    }

    /** Parses a {@code startedBy}; empty for tasks this product did not start. */
    public static Optional<JobTask> parseStartedBy(String startedBy) {
        if (startedBy == null) {
            return Optional.empty();
        }
        Matcher m = STARTED_BY.matcher(startedBy);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new JobTask(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static void requireEnvironmentName(String environment) {
        if (environment == null || !ENVIRONMENT_NAME.matcher(environment).matches()) {
            throw new IllegalArgumentException("environment name must match " + ENVIRONMENT_NAME.pattern()
                    + " (lower-case letters, digits and '-', at most 20 characters)");
        }
    }
}
