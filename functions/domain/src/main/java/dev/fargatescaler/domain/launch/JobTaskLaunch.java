package dev.fargatescaler.domain.launch;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.SizeClass;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.pool.PoolKeeper;
import dev.fargatescaler.domain.report.LaunchHints;
import dev.fargatescaler.domain.task.TaskNaming;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The RunTask parameters of one launch attempt for a job. A size class adds its task size (task-level
 * overrides), its name ({@code GLFS_SIZE_CLASS}, for the reporter) and the name of the variable that holds its
 * runner token ({@code RUNNER_TOKEN_VARIABLE}: a name, not the token; RunTask cannot override secrets, see
 * runner/entrypoint.sh). All of it comes from the configuration and the job, so every attempt of a job under one
 * configuration sends the same parameters, as RunTask's client token requires; a configuration change that moves
 * a job to another size makes ECS answer ConflictException for the old token, and the launcher moves on to the
 * next attempt ({@link LaunchAttempts}). A default-size launch carries none of it: its request is the same as
 * before size classes existed.
 */
final class JobTaskLaunch {

    private JobTaskLaunch() {
    }

    static TaskLaunch of(Environment target, SizeClass sizeClass, PendingJob job, GitLabJob gitLabJob,
                         boolean onDemand, int attempt) {
        String token = onDemand
                ? TaskNaming.onDemandFallbackClientToken(target.name(), job.projectId(), job.jobId(), attempt)
                : TaskNaming.clientToken(target.name(), job.projectId(), job.jobId(), attempt);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("glfs:environment", target.name());
        tags.put("glfs:project-id", Long.toString(job.projectId()));
        tags.put("glfs:job-id", Long.toString(job.jobId()));
        Long pipeline = gitLabJob.pipelineId() != null ? gitLabJob.pipelineId() : job.pipelineId();
        if (pipeline != null) {
            tags.put("glfs:pipeline-id", Long.toString(pipeline));
        }
        Map<String, String> hints = new LinkedHashMap<>();
        hints.put("GLFS_ENVIRONMENT", target.name());
        hints.put("GLFS_PROJECT_ID", Long.toString(job.projectId()));
        hints.put("GLFS_JOB_ID", Long.toString(job.jobId()));
        hints.put("GLFS_ATTEMPT", Integer.toString(attempt));
        if (sizeClass != null) {
            hints.put(LaunchHints.SIZE_CLASS, sizeClass.name());
            hints.put(LaunchHints.TOKEN_VARIABLE, sizeClass.tokenVariable());
        }
        // During a warm-pool window the job's task waits as long as a pool task: when a warm runner took the job,
        // this task becomes the next idle runner (docs/warm-pool.md). Decided by when the job was received, not
        // by the clock, so that a retried RunTask is identical (its clientToken holds only then).
        target.warmPool().idleWait(job.receivedAt(), PoolKeeper.MIN_IDLE_WAIT)
                .ifPresent(wait -> hints.put("RUNNER_WAIT_TIMEOUT", Long.toString(wait.toSeconds())));
        return new TaskLaunch(target, target.startedBy(job.projectId(), job.jobId()), target.group(), token,
                onDemand, tags, hints, sizeClass == null ? null : sizeClass.size());
    }
}
