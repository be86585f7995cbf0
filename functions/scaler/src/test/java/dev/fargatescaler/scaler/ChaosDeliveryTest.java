package dev.fargatescaler.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.capacity.Backoff;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.launch.BatchResult;
import dev.fargatescaler.domain.launch.JobLauncher;
import dev.fargatescaler.domain.launch.QueueMessage;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.shared.aws.EcsTaskLauncher;
import dev.fargatescaler.testkit.fake.FakeEcs;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Exactly once under ECS faults that moto cannot produce: the real ECS adapter and SDK (adaptive retries) on
 * testkit's FakeEcs, which throttles, fails with 500s and reports capacity shortages at random, and does NOT
 * honour clientToken. An in-memory queue redelivers every returned message (and duplicates some) until all are
 * acknowledged: every job must end with exactly one task.
 */
class ChaosDeliveryTest {

    private static final int JOBS = 120;

    @Test
    void everyJobGetsExactlyOneTaskDespiteThrottlingServerErrorsCapacityAndDuplicates() {
        FakeEcs fake = new FakeEcs(42, new FakeEcs.Faults(0.15, 0.1, 0.15), false);
        EcsClient ecs = EcsClient.builder().httpClient(fake).region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://fake-ecs.invalid"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                // Standard retries without waiting: adaptive mode's rate limiter would only slow the test down
                // (EcsTaskLauncherMotoTest covers the adaptive client); what is tested here is the outcome.
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b
                        .backoffStrategy(BackoffStrategy.retryImmediately())
                        .throttlingBackoffStrategy(BackoffStrategy.retryImmediately()))).build();
        Environments environments = EnvironmentParser.parseArray("""
                [{"name":"dev","tags":["dev"],"cluster":"glfs-dev","taskDefinition":"glfs-runner-dev",
                  "subnets":["subnet-12345678"],"securityGroups":["sg-12345678"],"maxConcurrentTasks":1000},
                 {"name":"spot","tags":["spot"],"cluster":"glfs-spot","taskDefinition":"glfs-runner-spot",
                  "subnets":["subnet-12345678"],"securityGroups":["sg-12345678"],"maxConcurrentTasks":1000,
                  "launchMode":{"type":"FARGATE_SPOT","spotFallbackToOnDemand":true}}]
                """, "test");
        GitLabApi gitLab = new GitLabApi() {
            @Override
            public Optional<GitLabJob> job(long projectId, long jobId) {
                return Optional.of(new GitLabJob(jobId, projectId, "pending", List.of(jobId % 2 == 0 ? "dev" : "spot"),
                        "main", "job", 1L, "g/p"));
            }

            @Override
            public Page pendingJobs(long projectId, String cursor) {
                throw new UnsupportedOperationException();
            }
        };
        List<QueueMessage> queue = new ArrayList<>();
        Map<String, Integer> receives = new HashMap<>();
        RecordingMetrics metrics = new RecordingMetrics();
        JobLauncher launcher = new JobLauncher(environments, gitLab, new EcsTaskLauncher(ecs),
                (receipt, delay) -> { }, job -> queue.add(message(job, "requeued-" + job.jobId() + "-"
                + queue.size(), 1)), metrics, Clock.systemUTC(), new Backoff(new SplittableRandom(1)), 7);
        Random random = new Random(7);
        for (long jobId = 1; jobId <= JOBS; jobId++) {
            PendingJob job = new PendingJob(9, "g/p", jobId, "job", "test", "main", 1L, null, 0, null, null,
                    Instant.now(), "9:" + jobId, 0, PendingJob.SOURCE_WEBHOOK);
            for (int copy = 0; copy <= random.nextInt(2); copy++) {
                queue.add(message(job, "m-" + jobId + "-" + copy, 1));
            }
        }

        int rounds = 0;
        while (!queue.isEmpty() && rounds++ < 200) {
            Collections.shuffle(queue, random);
            List<QueueMessage> batch = new ArrayList<>(queue.subList(0, Math.min(10, queue.size())));
            queue.subList(0, batch.size()).clear();
            BatchResult result = launcher.process(batch);
            Set<String> failed = new HashSet<>(result.failedMessageIds());
            for (QueueMessage m : batch) {
                if (failed.contains(m.messageId())) {
                    int count = receives.merge(m.messageId(), 1, Integer::sum) + 1;
                    queue.add(new QueueMessage(m.messageId(), m.receiptHandle(), m.body(), count));
                }
            }
        }

        assertThat(queue).as("messages still queued after %d rounds", rounds).isEmpty();
        List<FakeEcs.Task> tasks = fake.tasks();
        assertThat(tasks).hasSize(JOBS);
        assertThat(tasks.stream().map(t -> t.startedBy).distinct()).hasSize(JOBS);
        assertThat(tasks).allSatisfy(t -> assertThat(t.cluster).endsWith(
                t.startedBy.startsWith("glfs/dev/") ? "cluster/glfs-dev" : "cluster/glfs-spot"));
        // The faults really happened, and were survived.
        assertThat(fake.injected("Throttling")).isPositive();
        assertThat(fake.injected("ServerError")).isPositive();
        assertThat(fake.injected("Capacity")).isPositive();
        assertThat(metrics.sum("SpotFallback")).isPositive();
        assertThat(metrics.sum("Launched")).isEqualTo(JOBS);
    }

    private static QueueMessage message(PendingJob job, String id, int receiveCount) {
        return new QueueMessage(id, "receipt-" + id, PendingJobCodec.toJson(job), receiveCount);
    }

}
