package dev.fargatescaler.domain.environment;

import dev.fargatescaler.domain.task.TaskNaming;
import java.util.Objects;
import java.util.Set;

/**
 * A job size within an environment: same cluster, task definition, network, roles, guards and task limit as its
 * environment, but its own GitLab runner (its own tags and token) and its own task size, applied as RunTask
 * overrides.
 *
 * <p>Why its own runner: GitLab gives a job to a runner only when every job tag is among the runner's tags
 * ({@code Ci::Runner#matches_build?} / {@code accepting_tags?} in gitlabhq {@code app/models/ci/runner.rb}:
 * {@code (build.tag_list - tag_list).empty?}, and the SQL form {@code TaggableQueries.matches_tag_ids} in
 * {@code app/models/concerns/taggable_queries.rb}). If a large task registered with the environment's own token
 * and tags, it could take any of the environment's jobs, and a small task could take the large job. So each class
 * is a runner of its own in GitLab, whose token the task definition carries as the secret variable
 * {@link #tokenVariable()}.
 *
 * @param name      short name (e.g. {@code large}); part of metrics and task reports, never of task names
 * @param tags      the class runner's complete tag list in GitLab: disjoint from the environment's tags and from
 *                  every other class's tags (see {@link EnvironmentParser}), so that no job can be taken by two
 *                  runners of one environment
 * @param size      the task size of the class's tasks
 * @param tokenSlot which of the task definition's class token variables holds this class's runner token
 *                  (1 to {@link #MAX_TOKEN_SLOTS}; environment.yaml {@code SizeClass<n>TokenSecretArn})
 */
public record SizeClass(String name, Set<String> tags, TaskSize size, int tokenSlot) {

    /** environment.yaml declares this many class token secrets (CloudFormation cannot loop over a list). */
    public static final int MAX_TOKEN_SLOTS = 3;
    /** The name under which jobs of the environment's own size are counted and reported. */
    public static final String DEFAULT_NAME = "default";
    /** The variable of the environment's own runner token (task definition {@code secrets}). */
    public static final String DEFAULT_TOKEN_VARIABLE = "CI_SERVER_TOKEN";

    public SizeClass {
        if (name == null || !TaskNaming.ENVIRONMENT_NAME.matcher(name).matches() || name.equals(DEFAULT_NAME)) {
            throw new IllegalArgumentException("size class name must match " + TaskNaming.ENVIRONMENT_NAME.pattern()
                    + " and not be \"" + DEFAULT_NAME + "\"");
        }
        tags = Set.copyOf(tags);
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("a size class needs tags");
        }
        Objects.requireNonNull(size, "size");
        if (tokenSlot < 1 || tokenSlot > MAX_TOKEN_SLOTS) {
            throw new IllegalArgumentException("tokenSlot must be 1 to " + MAX_TOKEN_SLOTS);
        }
    }

    /** The task definition's secret variable that holds this class's runner token. */
    public String tokenVariable() {
        return tokenVariable(tokenSlot);
    }

    public static String tokenVariable(int slot) {
        return DEFAULT_TOKEN_VARIABLE + "_" + slot;
    }
}
