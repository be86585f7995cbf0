package dev.fargatescaler.local.fargate;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** GitLab's side of a runner's work, as the simulated runners use it (the local GitLab double implements it). */
public interface RunnerJobRequests {

    /**
     * A runner asks for a job ({@code POST /api/v4/jobs/request}).
     *
     * @return the job it was given, if any
     */
    Optional<Taken> request(RunnerIdentity runner, Instant now);

    /** The runner reports its job finished ({@code PUT /api/v4/jobs/:id} with a state). */
    void finish(long jobId, String status, Instant now);

    /** A GitLab whose jobs no simulated runner can take (a real GitLab: its jobs run on no local task). */
    RunnerJobRequests NONE = new RunnerJobRequests() {
        @Override
        public Optional<Taken> request(RunnerIdentity runner, Instant now) {
            return Optional.empty();
        }

        @Override
        public void finish(long jobId, String status, Instant now) {
        }
    };

    /**
     * @param runsFor         how long the job runs, or null for the model's default
     * @param queuedDuration  how long it waited, as GitLab computes {@code queued_duration}
     */
    record Taken(long projectId, long jobId, Duration runsFor, Duration queuedDuration) {
    }
}
