package dev.fargatescaler.domain.launch;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.gitlab.JobLookup;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.webhook.JobQueue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** In-memory ports for JobLauncher tests. */
final class Fakes {

    private Fakes() {
    }

    static final class GitLab implements GitLabApi {
        final Map<Long, GitLabJob> jobs = new HashMap<>();
        final Map<Long, RuntimeException> failures = new HashMap<>();
        /** Jobs GitLab will not show this token (404 Project Not Found, or 403), by job id. */
        final Map<Long, JobLookup.NotVisible> notVisible = new HashMap<>();
        int calls;

        GitLab pending(long projectId, long jobId, String ref, String... tags) {
            jobs.put(jobId, new GitLabJob(jobId, projectId, "pending", List.of(tags), ref, "test", 99L,
                    "group/app" + projectId));
            return this;
        }

        @Override
        public Optional<GitLabJob> job(long projectId, long jobId) {
            calls++;
            RuntimeException failure = failures.get(jobId);
            if (failure != null) {
                throw failure;
            }
            return Optional.ofNullable(jobs.get(jobId));
        }

        @Override
        public JobLookup lookup(long projectId, long jobId) {
            Optional<GitLabJob> job = job(projectId, jobId);
            if (notVisible.containsKey(jobId)) {
                return notVisible.get(jobId);
            }
            return job.<JobLookup>map(JobLookup.Found::new).orElseGet(() -> new JobLookup.Gone("404 Not found"));
        }

        @Override
        public Page pendingJobs(long projectId, String cursor) {
            throw new UnsupportedOperationException();
        }
    }

    static final class Ecs implements EcsTasks {
        final Map<String, Integer> active = new HashMap<>();
        final List<TaskLaunch> launches = new ArrayList<>();
        final List<String> running = new ArrayList<>();
        /** Answers for the next RunTask calls, in order; when empty, a task is started. */
        final Deque<Function<TaskLaunch, LaunchResult>> answers = new ArrayDeque<>();
        RuntimeException countFailure;
        int countCalls;
        /** Task ARNs DescribeTasks reports as stopped (or unknown). */
        final java.util.Set<String> stopped = new java.util.HashSet<>();
        final List<String> described = new ArrayList<>();

        @Override
        public boolean hasStopped(Environment environment, String taskArn) {
            described.add(taskArn);
            return stopped.contains(taskArn);
        }

        @Override
        public int countActiveTasks(Environment environment) {
            countCalls++;
            if (countFailure != null) {
                throw countFailure;
            }
            return active.getOrDefault(environment.name(), 0);
        }

        @Override
        public boolean hasActiveTask(Environment environment, String startedBy) {
            return running.contains(startedBy);
        }

        @Override
        public LaunchResult runTask(TaskLaunch launch) {
            launches.add(launch);
            Function<TaskLaunch, LaunchResult> answer = answers.poll();
            LaunchResult result = answer == null ? started(launch) : answer.apply(launch);
            if (result instanceof LaunchResult.Started) {
                running.add(launch.startedBy());
            }
            return result;
        }

        private static LaunchResult started(TaskLaunch launch) {
            return new LaunchResult.Started("arn:aws:ecs:us-east-1:123456789012:task/"
                    + launch.environment().cluster() + "/" + launch.clientToken());
        }
    }

    static final class Visibility implements MessageVisibility {
        final Map<String, Duration> delays = new LinkedHashMap<>();
        RuntimeException failure;

        @Override
        public void delay(String receiptHandle, Duration delay) {
            if (failure != null) {
                throw failure;
            }
            delays.put(receiptHandle, delay);
        }
    }

    static final class Queue implements JobQueue {
        final List<PendingJob> queued = new ArrayList<>();

        @Override
        public void enqueue(PendingJob job) {
            queued.add(job);
        }
    }
}
