package dev.fargatescaler.domain.lifecycle;

import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.webhook.JobQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Environments and in-memory ports for the sweeper's domain tests. */
final class LifecycleFixtures {

    private LifecycleFixtures() {
    }

    /** dev and staging share cluster glfs-shared; production has its own. */
    static Environments environments() {
        return EnvironmentParser.parseArray("""
                [
                 {"name":"dev","tags":["dev"],"runUntagged":true,"cluster":"glfs-shared","taskDefinition":"runner-dev",
                  "subnets":["subnet-0123456789abcdef0"],"securityGroups":["sg-0123456789abcdef0"],
                  "maxConcurrentTasks":3,"maxTaskLifetime":"PT1H","stuckBeforeRunningTimeout":"PT10M"},
                 {"name":"staging","tags":["staging"],"cluster":"glfs-shared","taskDefinition":"runner-staging",
                  "subnets":["subnet-0123456789abcdef0"],"securityGroups":["sg-0123456789abcdef0"],
                  "maxTaskLifetime":"PT2H","stuckBeforeRunningTimeout":"PT5M"},
                 {"name":"production","tags":["production"],"cluster":"glfs-production",
                  "taskDefinition":"runner-production","subnets":["subnet-0123456789abcdef1"],
                  "securityGroups":["sg-0123456789abcdef1"],"maxTaskLifetime":"PT3H"}
                ]""", "test");
    }

    static ClusterTasks.Task task(String id, String startedBy, String status, Instant createdAt, Instant startedAt) {
        return new ClusterTasks.Task("arn:aws:ecs:us-east-1:123456789012:task/c/" + id, startedBy,
                startedBy.split("/").length > 1 ? "glfs:" + startedBy.split("/")[1] : null, status, "RUNNING",
                createdAt, startedAt);
    }

    static final class FakeClusters implements ClusterTasks {
        final Map<String, List<Task>> tasks = new LinkedHashMap<>();
        final Map<String, String> stopped = new LinkedHashMap<>();
        final Set<String> failingClusters = new HashSet<>();
        final List<String> listed = new ArrayList<>();
        RuntimeException stopFailure;

        void add(String cluster, Task task) {
            tasks.computeIfAbsent(cluster, c -> new ArrayList<>()).add(task);
        }

        @Override
        public List<Task> ourTasks(dev.fargatescaler.domain.environment.Environment environment) {
            String cluster = environment.cluster();
            listed.add(cluster);
            if (failingClusters.contains(cluster)) {
                throw new RetryableException("Throttling", "ListTasks throttled");
            }
            return tasks.getOrDefault(cluster, List.of());
        }

        @Override
        public void stop(dev.fargatescaler.domain.environment.Environment environment, String taskArn,
                         String reason) {
            if (stopFailure != null) {
                throw stopFailure;
            }
            stopped.put(taskArn, reason);
        }
    }

    /** Pages of pending jobs per project, {@code perPage} jobs each, cursor = next index. */
    static class FakeGitLab implements GitLabApi {
        final Map<Long, List<GitLabJob>> pending = new HashMap<>();
        final Map<Long, RuntimeException> failures = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        int perPage = 2;

        @Override
        public java.util.Optional<GitLabJob> job(long projectId, long jobId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Page pendingJobs(long projectId, String cursor) {
            calls.add(projectId + "@" + cursor);
            if (failures.containsKey(projectId)) {
                throw failures.get(projectId);
            }
            List<GitLabJob> jobs = pending.getOrDefault(projectId, List.of());
            int from = cursor == null ? 0 : Integer.parseInt(cursor);
            int to = Math.min(jobs.size(), from + perPage);
            return new Page(jobs.subList(from, to), to < jobs.size() ? Integer.toString(to) : null);
        }
    }

    static GitLabJob job(long projectId, long id, String... tags) {
        return new GitLabJob(id, projectId, "pending", List.of(tags), "main", "job-" + id, 1000L, "group/p" + projectId);
    }

    /** The registry as the DynamoDB adapter keeps it, in memory. */
    static final class Registry implements ProjectRegistry {
        final Map<Long, KnownProject> projects = new LinkedHashMap<>();
        final List<Long> sweeps = new ArrayList<>();
        RuntimeException readFailure;
        RuntimeException writeFailure;

        void seen(long projectId, Instant at) {
            KnownProject old = projects.get(projectId);
            projects.put(projectId, new KnownProject(projectId, old == null || old.firstSeenAt() == null ? at
                    : old.firstSeenAt(), at, old == null ? null : old.lastSweptAt()));
        }

        @Override
        public List<KnownProject> projects() {
            if (readFailure != null) {
                throw readFailure;
            }
            return List.copyOf(projects.values());
        }

        @Override
        public void swept(long projectId, Instant at) {
            if (writeFailure != null) {
                throw writeFailure;
            }
            sweeps.add(projectId);
            KnownProject old = projects.get(projectId);
            projects.put(projectId, old == null ? new KnownProject(projectId, null, null, at)
                    : new KnownProject(projectId, old.firstSeenAt(), old.lastSeenAt(), at));
        }
    }

    /** A clock the test moves. */
    static final class MutableClock extends java.time.Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(java.time.Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static final class Queue implements JobQueue {
        final List<PendingJob> jobs = new ArrayList<>();
        RuntimeException failure;

        @Override
        public void enqueue(PendingJob job) {
            if (failure != null) {
                throw failure;
            }
            jobs.add(job);
        }
    }
}
