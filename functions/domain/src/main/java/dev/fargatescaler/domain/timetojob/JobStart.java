package dev.fargatescaler.domain.timetojob;

import java.time.Duration;
import java.util.Set;

/**
 * What a {@code running} Job Hook says about how a job started: how long GitLab kept it queued and which runner
 * took it. Built by {@link JobStartParser}.
 *
 * @param jobId         {@code build_id}
 * @param queued        {@code build_queued_duration}: seconds the job waited, as GitLab computes it (from the
 *                      time it was queued to the time a runner picked it)
 * @param runnerId      {@code runner.id}
 * @param runnerTags    {@code runner.tags}: the runner's tags (not the job's)
 */
public record JobStart(long jobId, Duration queued, long runnerId, Set<String> runnerTags) {

    public JobStart {
        runnerTags = Set.copyOf(runnerTags);
    }
}
