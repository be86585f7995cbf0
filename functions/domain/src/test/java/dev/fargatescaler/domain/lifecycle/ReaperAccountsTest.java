package dev.fargatescaler.domain.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.AccountAccess;
import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.TestEnvironments;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reaper lists and stops each environment's tasks in that environment's account. */
class ReaperAccountsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    /** Two accounts, each with a cluster of the same name: ECS calls carry the environment, hence its account. */
    static final class PerAccountTasks implements ClusterTasks {
        final List<String> listed = new ArrayList<>();
        final List<String> stopped = new ArrayList<>();

        @Override
        public List<Task> ourTasks(Environment environment) {
            String account = environment.account().accountId().orElse("own");
            listed.add(account + "/" + environment.cluster());
            String startedBy = environment.startedBy(7, account.equals("own") ? 1 : 2);
            return List.of(new Task("arn:task/" + account, startedBy, environment.group(), "RUNNING", "RUNNING",
                    NOW.minusSeconds(6 * 3600), NOW.minusSeconds(6 * 3600)));
        }

        @Override
        public void stop(Environment environment, String taskArn, String reason) {
            stopped.add(environment.account().accountId().orElse("own") + " " + taskArn);
        }
    }

    @Test
    void sameClusterNameInTwoAccountsIsListedOncePerAccountAndStoppedWhereItRuns() {
        Environment dev = TestEnvironments.environment("dev", Set.of("dev"));
        Environment production = new Environment("production", Set.of("production"), false, 0, dev.cluster(),
                dev.taskDefinition(), "runner", dev.subnets(), dev.securityGroups(), false, dev.launchMode(), null,
                5, dev.maxTaskLifetime(), dev.stuckBeforeRunningTimeout(), null, null,
                new AccountAccess("arn:aws:iam::210987654321:role/glfs-production-control", null));
        PerAccountTasks ecs = new PerAccountTasks();

        Reaper.Result result = new Reaper(ecs, new RecordingMetrics(), Clock.fixed(NOW, ZoneOffset.UTC))
                .sweep(new Environments(List.of(dev, production)), () -> false);

        assertThat(ecs.listed).containsExactly("own/glfs-dev", "210987654321/glfs-dev");
        assertThat(ecs.stopped).containsExactly("own arn:task/own", "210987654321 arn:task/210987654321");
        assertThat(result.reaped()).isEqualTo(2);
    }
}
