package dev.fargatescaler.domain.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.environment.AccountAccess;
import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.TestEnvironments;
import dev.fargatescaler.domain.gitlab.GitLabApi;
import dev.fargatescaler.domain.gitlab.GitLabJob;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Task events of environments in other accounts arrive on the control plane's bus from those accounts: an event
 * counts only for the environment whose account its cluster is in.
 */
class TaskReporterAccountsTest {

    private static final String CONTROL_PLANE = "123456789012";
    private static final String PRODUCTION_ACCOUNT = "210987654321";
    private static final String STAGING_ACCOUNT = "310987654321";

    private final RecordingMetrics metrics = new RecordingMetrics();
    private final List<TaskReport> reports = new ArrayList<>();
    private final List<PendingJob> relaunched = new ArrayList<>();

    private TaskReporter reporter() {
        Environment dev = TestEnvironments.environment("dev", Set.of("dev"));
        Environment production = TestEnvironments.environment("production", Set.of("production"))
                .inAccount(new AccountAccess("arn:aws:iam::" + PRODUCTION_ACCOUNT + ":role/glfs-production-control",
                        null));
        Environment staging = TestEnvironments.environment("staging", Set.of("staging"))
                .inAccount(new AccountAccess("arn:aws:iam::" + STAGING_ACCOUNT + ":role/glfs-staging-control", null));
        GitLabApi gitlab = new GitLabApi() {
            @Override
            public Optional<GitLabJob> job(long projectId, long jobId) {
                return Optional.of(new GitLabJob(jobId, projectId, "pending", List.of("production"), "main", "build",
                        1L, "platform/api"));
            }

            @Override
            public Page pendingJobs(long projectId, String cursor) {
                throw new UnsupportedOperationException();
            }
        };
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
        return new TaskReporter(new Relauncher(gitlab, relaunched::add, metrics, 3, clock), reports::add, metrics,
                new TaskEventMemory(100), PriceTable.DEFAULT, new Environments(List.of(dev, production, staging)),
                "x86_64");
    }

    /** The sample Spot interruption (relaunched when honest), as if it came from {@code account}'s cluster. */
    private static ObjectNode interrupted(String environment, String account) {
        ObjectNode event = SampleEvents.reporter("stopped-spot-interruption");
        ObjectNode detail = (ObjectNode) event.get("detail");
        event.put("account", account);
        detail.put("clusterArn", "arn:aws:ecs:us-east-1:" + account + ":cluster/glfs-" + environment);
        detail.put("taskArn", "arn:aws:ecs:us-east-1:" + account + ":task/glfs-" + environment + "/" + environment
                + account);
        String startedBy = detail.path("startedBy").asText().replace("/dev/", "/" + environment + "/");
        detail.put("startedBy", startedBy);
        detail.put("group", "glfs:" + environment);
        return event;
    }

    @Test
    void reportsAndRelaunchesAnEnvironmentsTaskFromItsRolesAccount() {
        TaskReporter.Result result = reporter().handle(interrupted("production", PRODUCTION_ACCOUNT));

        assertThat(result.action()).isEqualTo("reported");
        assertThat(reports).singleElement().extracting(TaskReport::environment).isEqualTo("production");
        assertThat(relaunched).hasSize(1);
    }

    @Test
    void ignoresAnEventWhoseClusterIsNotInTheEnvironmentsAccount() {
        TaskReporter reporter = reporter();

        TaskReporter.Result fromStaging = reporter.handle(interrupted("production", STAGING_ACCOUNT));
        TaskReporter.Result fromControlPlane = reporter.handle(interrupted("production", CONTROL_PLANE));
        TaskReporter.Result devFromProduction = reporter.handle(interrupted("dev", PRODUCTION_ACCOUNT));
        TaskReporter.Result devAtHome = reporter.handle(interrupted("dev", CONTROL_PLANE));

        assertThat(List.of(fromStaging.reason(), fromControlPlane.reason(), devFromProduction.reason()))
                .containsOnly("WrongAccount");
        assertThat(devAtHome.action()).isEqualTo("reported");
        assertThat(reports).singleElement().extracting(TaskReport::environment).isEqualTo("dev");
        assertThat(metrics.sum("TaskEventsIgnored", "Reason", "WrongAccount")).isEqualTo(3);
    }
}
