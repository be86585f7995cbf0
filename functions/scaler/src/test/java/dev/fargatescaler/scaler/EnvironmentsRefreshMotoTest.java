package dev.fargatescaler.scaler;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static dev.fargatescaler.domain.launch.ScalerMetrics.DEFERRED_FOR_ENVIRONMENTS;
import static dev.fargatescaler.domain.launch.ScalerMetrics.LAUNCHED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.metrics.RecordingMetrics;
import dev.fargatescaler.shared.config.EnvironmentsLoader;
import dev.fargatescaler.shared.lambda.SnapStartPriming;
import dev.fargatescaler.shared.wiring.FunctionWiring;
import dev.fargatescaler.testkit.FaultInjectingHttpClient;
import dev.fargatescaler.testkit.MotoClients;
import dev.fargatescaler.testkit.MotoEcsFixture;
import dev.fargatescaler.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Environments survive SnapStart: read from SSM on moto_server by the production wiring, a new environment
 * parameter is picked up after the TTL, right after a restore, and at once for a job it alone can run, all without
 * a new container; with no environment yet, the function starts and jobs wait.
 */
class EnvironmentsRefreshMotoTest {

    private static ScalerHarness harness;
    private static SsmClient ssm;
    private static MotoEcsFixture.Provisioned dev;
    private static MotoEcsFixture.Provisioned staging;

    @BeforeAll
    static void start() {
        harness = new ScalerHarness();
        ssm = MotoClients.build(SsmClient.builder(), harness.moto.endpoint());
        dev = harness.ecsFixture.provision("dev");
        staging = harness.ecsFixture.provision("staging");
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static void register(String path, MotoEcsFixture.Provisioned environment) {
        ssm.putParameter(r -> r.name(path + "/" + environment.environment())
                .value(environment.environmentJson("[\"" + environment.environment() + "\"]", false, 10))
                .type(ParameterType.STRING).overwrite(true));
    }

    private static Map<String, String> variables(String path) {
        Map<String, String> env = harness.variables();
        env.put(EnvironmentsLoader.SSM_PATH, path);
        env.put(EnvironmentsLoader.REFRESH_SECONDS, "60");
        return env;
    }

    private static EnvironmentsProvider environments(FunctionWiring wiring) {
        return wiring.environments(EnvironmentsLoader.source(wiring.variables()), new RecordingMetrics());
    }

    private static String message(String id, long jobId, String tag, Instant queuedAt) {
        harness.gitLab.stubFor(get("/api/v4/projects/7/jobs/" + jobId).willReturn(okJson("{\"id\":" + jobId
                + ",\"status\":\"pending\",\"ref\":\"main\",\"tag_list\":[\"" + tag + "\"],\"pipeline\":{\"id\":9}}")));
        String body = PendingJobCodec.toJson(new PendingJob(7, "group/app", jobId, "job", "test", "main", 9L, null, 0,
                null, null, queuedAt, "7:" + jobId + ":pending", 0, PendingJob.SOURCE_WEBHOOK));
        return ScalerHarness.event(List.<String[]>of(new String[] {id, "receipt-" + id, body}));
    }

    @Test
    void aNewEnvironmentParameterIsPickedUpAfterTheTtlWithoutANewContainer() {
        register("/glfs/ttl", dev);
        MutableClock clock = new MutableClock(Instant.now());
        EnvironmentsProvider environments = environments(harness.wiring(variables("/glfs/ttl"), clock));
        assertThat(environments.current().environments().names()).containsExactly("dev");

        register("/glfs/ttl", staging);
        clock.advance(Duration.ofSeconds(59));
        assertThat(environments.current().environments().names()).containsExactly("dev");

        clock.advance(Duration.ofSeconds(2));
        assertThat(environments.current().environments().names()).containsExactly("dev", "staging");
    }

    @Test
    void theRestoreHookReloadsTheEnvironmentsAtOnce() {
        register("/glfs/restore", dev);
        FunctionWiring wiring = harness.wiring(variables("/glfs/restore"), new MutableClock(Instant.now()));
        EnvironmentsProvider environments = environments(wiring);
        SnapStartPriming hooks = wiring.snapStart("test", () -> { });

        register("/glfs/restore", staging);
        assertThat(environments.current().environments().names()).containsExactly("dev");
        hooks.afterRestore(null);

        assertThat(environments.current().environments().names()).containsExactly("dev", "staging");
    }

    @Test
    void aFailingSsmKeepsTheLastGoodListAndIsCounted() {
        register("/glfs/failing", dev);
        MutableClock clock = new MutableClock(Instant.now());
        RecordingMetrics metrics = new RecordingMetrics();
        FunctionWiring wiring = harness.wiring(variables("/glfs/failing"), clock);
        EnvironmentsProvider environments = wiring.environments(EnvironmentsLoader.source(wiring.variables()), metrics);

        harness.ecsHttp.answer("GetParametersByPath", body -> true, 100, 500, FaultInjectingHttpClient.internalError());
        try {
            clock.advance(Duration.ofSeconds(61));
            assertThat(environments.current().environments().names()).containsExactly("dev");
        } finally {
            harness.ecsHttp.clear();
        }
        assertThat(metrics.sum("EnvironmentsRefreshFailed")).isEqualTo(1);
    }

    @Test
    void withNoEnvironmentYetTheScalerStartsJobsWaitAndAreLaunchedOnceOneIsAdded() throws Exception {
        RecordingMetrics metrics = new RecordingMetrics();
        // Deployed before any environment stack: the path is empty, and the init must not fail.
        ScalerHandler handler = ScalerHandler.wiredBy(harness.wiring(variables("/glfs/later"),
                java.time.Clock.systemUTC()), metrics);

        List<String> waiting = ScalerHarness.invoke(handler, message("m1", 501, "dev", Instant.now()));
        assertThat(waiting).containsExactly("m1");
        assertThat(metrics.sum(DEFERRED_FOR_ENVIRONMENTS)).isEqualTo(1);
        assertThat(harness.ecsFixture.runningTasks(dev.cluster())).noneMatch(t -> t.startedBy().endsWith("/501"));

        // The environment stack registers itself; the job comes back (a later receive) and is launched at once,
        // because the container's list is older than the job: no TTL to wait for.
        register("/glfs/later", dev);
        Thread.sleep(1100);
        List<String> launched = ScalerHarness.invoke(handler, message("m2", 502, "dev", Instant.now()));

        assertThat(launched).isEmpty();
        assertThat(metrics.sum(LAUNCHED)).isEqualTo(1);
        assertThat(harness.ecsFixture.runningTasks(dev.cluster())).anyMatch(t -> t.startedBy().equals("glfs/dev/7/502"));
    }
}
