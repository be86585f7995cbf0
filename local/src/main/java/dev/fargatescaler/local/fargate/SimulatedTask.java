package dev.fargatescaler.local.fargate;

import dev.fargatescaler.domain.report.RunnerExitCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One Fargate task with its runner, as the simulation plays it: ECS's task lifecycle in time
 * (PROVISIONING → PENDING → ACTIVATING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html), and, once
 * RUNNING, {@code gitlab-runner run-single --max-builds 1}: ask for a job at once and then every poll interval,
 * run the first job received and exit 0, or exit 79 when none came within the wait, or 143 on StopTask's SIGTERM.
 * Not thread-safe: {@link FargateSimulation} holds its lock around every call.
 */
final class SimulatedTask {

    /**
     * What a stopped task reports, in ECS's words: {@code stopCode} and {@code stoppedReason} of
     * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html, and the reason ECS gives when the
     * essential container exits (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html).
     */
    static final String ESSENTIAL_CONTAINER_EXITED = "EssentialContainerExited";
    static final String USER_INITIATED = "UserInitiated";
    static final String CONTAINER_EXITED_REASON = "Essential container in task exited";

    private final String taskArn;
    private final String clusterArn;
    private final RunnerIdentity runner;
    private final boolean pool;
    private final Instant createdAt;
    private final Duration wait;
    private final RunnerModel model;

    private Instant nextPoll;
    private Long jobId;
    private Instant jobEndsAt;
    private Instant stopRequestedAt;
    private String stopReason;
    private Instant exitedAt;
    private Integer exitCode;

    SimulatedTask(String taskArn, String clusterArn, RunnerIdentity runner, boolean pool, Instant createdAt,
                  Duration wait, RunnerModel model) {
        this.taskArn = taskArn;
        this.clusterArn = clusterArn;
        this.runner = runner;
        this.pool = pool;
        this.createdAt = createdAt;
        this.wait = wait;
        this.model = model;
        this.nextPoll = startedAt();
    }

    String taskArn() {
        return taskArn;
    }

    String clusterArn() {
        return clusterArn;
    }

    RunnerIdentity runner() {
        return runner;
    }

    boolean pool() {
        return pool;
    }

    Instant createdAt() {
        return createdAt;
    }

    Optional<Long> jobId() {
        return Optional.ofNullable(jobId);
    }

    Optional<Integer> exitCode() {
        return Optional.ofNullable(exitCode);
    }

    boolean exited() {
        return exitedAt != null;
    }

    /** The image pull runs through the middle of provisioning; the container starts at {@link #startedAt()}. */
    Instant pullStartedAt() {
        return createdAt.plus(model.provisioningDelay().multipliedBy(2).dividedBy(10));
    }

    Instant pullStoppedAt() {
        return createdAt.plus(model.provisioningDelay().multipliedBy(8).dividedBy(10));
    }

    private Instant activatingAt() {
        return createdAt.plus(model.provisioningDelay().multipliedBy(9).dividedBy(10));
    }

    Instant startedAt() {
        return createdAt.plus(model.provisioningDelay());
    }

    /** ECS's {@code lastStatus} at {@code now}. */
    String lastStatus(Instant now) {
        if (exitedAt != null) {
            if (now.isBefore(exitedAt.plus(model.stopStep()))) {
                return "DEACTIVATING";
            }
            if (now.isBefore(exitedAt.plus(model.stopStep().multipliedBy(2)))) {
                return "STOPPING";
            }
            if (now.isBefore(stoppedAt())) {
                return "DEPROVISIONING";
            }
            return "STOPPED";
        }
        if (now.isBefore(pullStartedAt())) {
            return "PROVISIONING";
        }
        if (now.isBefore(activatingAt())) {
            return "PENDING";
        }
        if (now.isBefore(startedAt())) {
            return "ACTIVATING";
        }
        return "RUNNING";
    }

    /**
     * RUNNING until the container exits or StopTask is called; STOPPED from then on: StopTask sets the desired
     * status at once and the task then stops (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html).
     */
    String desiredStatus() {
        return stopRequestedAt != null || exitedAt != null ? "STOPPED" : "RUNNING";
    }

    Instant stoppedAt() {
        return exitedAt.plus(model.stopStep().multipliedBy(3));
    }

    /** When ECS began stopping the task: StopTask's time, or the container's exit. */
    Optional<Instant> stoppingAt() {
        return Optional.ofNullable(stopRequestedAt != null ? stopRequestedAt : exitedAt);
    }

    Optional<Instant> executionStoppedAt() {
        return Optional.ofNullable(exitedAt);
    }

    String stopCode() {
        return stopRequestedAt != null ? USER_INITIATED : ESSENTIAL_CONTAINER_EXITED;
    }

    String stoppedReason() {
        return stopRequestedAt != null ? stopReason : CONTAINER_EXITED_REASON;
    }

    /** StopTask: the container gets SIGTERM (the entrypoint forwards it, the runner aborts its job and exits). */
    void stopRequested(Instant now, String reason) {
        if (exitedAt != null || stopRequestedAt != null) {
            return;
        }
        stopRequestedAt = now;
        stopReason = reason == null || reason.isBlank() ? "Task stopped by user" : reason;
    }

    /** What the runner does at {@code now}; the outcome tells the simulation what changed. */
    Step step(Instant now, RunnerJobRequests jobs) {
        if (exitedAt != null) {
            return Step.NOTHING;
        }
        if (stopRequestedAt != null) {
            boolean started = !stopRequestedAt.isBefore(startedAt());
            exitedAt = now;
            // Stopped before its container started: no exit code, which is "the exit code returned from the
            // container" (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Container.html).
            exitCode = started ? Integer.valueOf(RunnerModel.EXIT_SIGTERM) : null;
            Long aborted = jobId;
            if (aborted != null) {
                jobs.finish(aborted, "failed", now);
            }
            return Step.exited(aborted);
        }
        if (now.isBefore(startedAt())) {
            return Step.NOTHING;
        }
        if (jobId != null) {
            if (!now.isBefore(jobEndsAt)) {
                jobs.finish(jobId, "success", now);
                exitedAt = now;
                exitCode = RunnerExitCodes.JOB_RAN;
                return Step.exited(null);
            }
            return Step.NOTHING;
        }
        if (!now.isBefore(startedAt().plus(wait))) {
            exitedAt = now;
            exitCode = RunnerExitCodes.NO_JOB;
            return Step.exited(null);
        }
        if (now.isBefore(nextPoll)) {
            return Step.NOTHING;
        }
        nextPoll = now.plus(model.pollInterval());
        Optional<RunnerJobRequests.Taken> taken = jobs.request(runner, now);
        if (taken.isEmpty()) {
            return Step.NOTHING;
        }
        jobId = taken.get().jobId();
        jobEndsAt = now.plus(taken.get().runsFor() == null ? model.defaultJobDuration() : taken.get().runsFor());
        return new Step(false, null, taken.get());
    }

    /**
     * @param exited     the container exited during this step (the simulation then stops the task in the emulator)
     * @param abortedJob the job a SIGTERM aborted
     * @param taken      the job the runner took during this step
     */
    record Step(boolean exited, Long abortedJob, RunnerJobRequests.Taken taken) {
        static final Step NOTHING = new Step(false, null, null);

        static Step exited(Long aborted) {
            return new Step(true, aborted, null);
        }
    }
}
