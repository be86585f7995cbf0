package dev.fargatescaler.domain.routing;

import java.util.List;

/**
 * What routing needs to know about a job, taken from GitLab's Jobs API (tags, ref) rather than from the
 * webhook message wherever GitLab's answer has it.
 *
 * @param projectPath may be null when unknown
 * @param ref         branch or tag name; may be null when unknown
 * @param tags        the job's own tags ({@code tag_list}); empty for an untagged job
 */
public record RoutableJob(long projectId, String projectPath, String ref, List<String> tags) {

    public RoutableJob {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
