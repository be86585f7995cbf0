package dev.fargatescaler.local.fargate;

import java.util.List;

/**
 * The GitLab runner a task registers as: each environment has its own runner with the environment's tags, and
 * each size class its own with the class's tags (docs/configuration.md, "Size classes"), so the simulated runner
 * asks GitLab for jobs with exactly those tags.
 *
 * @param environment the environment the task belongs to
 * @param sizeClass   the size class, or null for the environment's own runner
 */
public record RunnerIdentity(long id, String description, String environment, String sizeClass, List<String> tags,
                             boolean runUntagged) {

    public RunnerIdentity {
        tags = List.copyOf(tags);
    }
}
