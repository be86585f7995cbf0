package dev.fargatescaler.local.fargate;

import dev.fargatescaler.domain.report.RunnerExitCodes;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SimulatedTaskTest {

    static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
    static final RunnerModel MODEL = new RunnerModel(Duration.ofSeconds(30), Duration.ofSeconds(3),
            Duration.ofSeconds(1), Duration.ofSeconds(10));
    static final RunnerIdentity DEV = new RunnerIdentity(1, "glfs-dev", "dev", null, List.of("dev"), false);

    /** A queue with jobs that become available at given times, recording what the runner reported. */
    static final class Jobs implements RunnerJobRequests {
        final List<Instant> available = new ArrayList<>();
        final List<String> finished = new ArrayList<>();
        final List<Instant> requests = new ArrayList<>();
        long next = 100;

        @Override
        public Optional<Taken> request(RunnerIdentity runner, Instant now) {
            requests.add(now);
            if (!available.isEmpty() && !now.isBefore(available.get(0))) {
                Instant queued = available.remove(0);
                return Optional.of(new Taken(380, next++, null, Duration.between(queued, now)));
            }
            return Optional.empty();
        }

        @Override
        public void finish(long jobId, String status, Instant now) {
            finished.add(jobId + ":" + status + "@" + Duration.between(T0, now).toSeconds());
        }
    }

    private static SimulatedTask task(Duration wait) {
        return new SimulatedTask("arn:aws:ecs:us-east-1:1:task/c/t1", "arn:aws:ecs:us-east-1:1:cluster/c", DEV,
                false, T0, wait, MODEL);
    }

    private static void playUntil(SimulatedTask task, Jobs jobs, int seconds) {
        for (int s = 0; s <= seconds; s++) {
            task.step(T0.plusSeconds(s), jobs);
        }
    }

    @Test
    void provisionsThroughEcsStatesInOrderBeforeItsRunnerStarts() {
        SimulatedTask task = task(Duration.ofSeconds(60));
        assertThat(List.of(0, 5, 6, 23, 27, 29, 30).stream().map(s -> task.lastStatus(T0.plusSeconds(s))))
                .containsExactly("PROVISIONING", "PROVISIONING", "PENDING", "PENDING", "ACTIVATING", "ACTIVATING",
                        "RUNNING");
        Jobs jobs = new Jobs();
        jobs.available.add(T0);
        playUntil(task, jobs, 29);
        assertThat(jobs.requests).as("no job is asked for before the container runs").isEmpty();
        assertThat(task.desiredStatus()).isEqualTo("RUNNING");
    }

    @Test
    void takesAJobAtOnceWhenRunningRunsItAndExitsZeroThenStopsLikeEcs() {
        SimulatedTask task = task(Duration.ofSeconds(60));
        Jobs jobs = new Jobs();
        jobs.available.add(T0);
        RunnerJobRequests.Taken taken = null;
        for (int s = 0; s <= 30 && taken == null; s++) {
            SimulatedTask.Step step = task.step(T0.plusSeconds(s), jobs);
            taken = step.taken();
        }
        assertThat(taken).isNotNull();
        assertThat(taken.queuedDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(task.jobId()).contains(100L);
        playUntil(task, jobs, 45);
        assertThat(jobs.finished).containsExactly("100:success@40");
        assertThat(task.exitCode()).contains(RunnerExitCodes.JOB_RAN);
        assertThat(task.desiredStatus()).isEqualTo("STOPPED");
        assertThat(task.stopCode()).isEqualTo("EssentialContainerExited");
        assertThat(List.of(40, 41, 42, 43).stream().map(s -> task.lastStatus(T0.plusSeconds(s))))
                .containsExactly("DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED");
        assertThat(task.stoppedAt()).isEqualTo(T0.plusSeconds(43));
    }

    @Test
    void asksAgainEveryPollIntervalAndTakesAJobQueuedLater() {
        SimulatedTask task = task(Duration.ofSeconds(60));
        Jobs jobs = new Jobs();
        jobs.available.add(T0.plusSeconds(37));
        playUntil(task, jobs, 45);
        assertThat(jobs.requests).extracting(i -> Duration.between(T0, i).toSeconds())
                .containsExactly(30L, 33L, 36L, 39L);
        assertThat(task.jobId()).contains(100L);
    }

    @Test
    void exitsIdleWhenNoJobCameWithinItsWait() {
        SimulatedTask task = task(Duration.ofSeconds(60));
        Jobs jobs = new Jobs();
        playUntil(task, jobs, 89);
        assertThat(task.exited()).isFalse();
        task.step(T0.plusSeconds(90), jobs);
        assertThat(task.exitCode()).contains(RunnerExitCodes.NO_JOB);
        assertThat(jobs.finished).isEmpty();
    }

    @Test
    void stopTaskAbortsTheRunningJobWithSigterm() {
        SimulatedTask task = task(Duration.ofSeconds(60));
        Jobs jobs = new Jobs();
        jobs.available.add(T0);
        playUntil(task, jobs, 32);
        task.stopRequested(T0.plusSeconds(33), "overdue (reaper)");
        assertThat(task.desiredStatus()).as("ECS sets it at once").isEqualTo("STOPPED");
        assertThat(task.lastStatus(T0.plusSeconds(33))).as("until the container exits").isEqualTo("RUNNING");
        SimulatedTask.Step step = task.step(T0.plusSeconds(34), jobs);
        assertThat(step.exited()).isTrue();
        assertThat(step.abortedJob()).isEqualTo(100L);
        assertThat(jobs.finished).containsExactly("100:failed@34");
        assertThat(task.exitCode()).contains(RunnerModel.EXIT_SIGTERM);
        assertThat(task.stopCode()).isEqualTo("UserInitiated");
        assertThat(task.stoppedReason()).isEqualTo("overdue (reaper)");
    }

    @Test
    void aTaskStoppedBeforeItsContainerStartedHasNoExitCode() {
        SimulatedTask task = task(Duration.ofSeconds(60));
        Jobs jobs = new Jobs();
        task.stopRequested(T0.plusSeconds(10), null);
        task.step(T0.plusSeconds(11), jobs);
        assertThat(task.exited()).isTrue();
        assertThat(task.exitCode()).isEmpty();
        assertThat(jobs.requests).isEmpty();
        assertThat(task.lastStatus(T0.plusSeconds(20))).isEqualTo("STOPPED");
    }
}
