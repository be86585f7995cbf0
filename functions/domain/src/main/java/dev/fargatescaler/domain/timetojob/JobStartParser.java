package dev.fargatescaler.domain.timetojob;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the time-to-job facts of a {@code running} Job Hook, tolerantly: a hook without them (an older GitLab, a
 * job taken by no runner we could recognise) is simply not measured, never an error, because the webhook's
 * answer to GitLab must not depend on it.
 *
 * <p>The fields, verified in GitLab's source ({@code lib/gitlab/data_builder/build.rb}): the hook carries
 * {@code build_queued_duration: build.queued_duration} (seconds, a float, or null before a runner took the job)
 * and {@code runner: build_runner(build.runner)}, null without a runner, otherwise an object with {@code id},
 * {@code description}, {@code runner_type}, {@code active}, {@code is_shared} and {@code tags} (the runner's tag
 * names). The job's {@code queued_at} is set when it becomes pending and {@code started_at} when a runner takes it
 * ({@code app/models/commit_status.rb}, its state machine); the queued duration is the time between them. The
 * real GitLab.com payload in the test fixtures ({@code job-success.gitlab-com-2023.json}) has this shape.
 */
public final class JobStartParser {

    /** The longest queue time believed: GitLab drops a job pending for a day as stuck, so more is noise. */
    static final Duration MAX_QUEUED = Duration.ofDays(1);

    private JobStartParser() {
    }

    /** The job's start, or empty when the hook is not a {@code running} one or lacks the facts. */
    public static Optional<JobStart> parse(JsonNode root) {
        if (root == null || !root.isObject() || !"running".equals(root.path("build_status").asText(null))) {
            return Optional.empty();
        }
        JsonNode id = root.get("build_id");
        JsonNode queued = root.get("build_queued_duration");
        JsonNode runner = root.get("runner");
        if (id == null || !id.isIntegralNumber() || id.longValue() <= 0
                || queued == null || !queued.isNumber() || queued.doubleValue() < 0
                || !Double.isFinite(queued.doubleValue())
                || runner == null || !runner.isObject()) {
            return Optional.empty();
        }
        Duration duration = Duration.ofNanos(Math.round(Math.min(queued.doubleValue(),
                (double) MAX_QUEUED.toSeconds()) * 1_000_000_000d));
        JsonNode runnerId = runner.get("id");
        long runnerIdValue = runnerId != null && runnerId.isIntegralNumber() ? runnerId.longValue() : 0;
        Set<String> tags = new LinkedHashSet<>();
        JsonNode tagList = runner.get("tags");
        if (tagList != null && tagList.isArray()) {
            for (JsonNode tag : tagList) {
                if (tag.isTextual()) {
                    tags.add(tag.textValue());
                }
            }
        }
        return Optional.of(new JobStart(id.longValue(), duration, runnerIdValue, tags));
    }
}
