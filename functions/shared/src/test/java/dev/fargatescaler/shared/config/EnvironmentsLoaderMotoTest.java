package dev.fargatescaler.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.testkit.MotoClients;
import dev.fargatescaler.testkit.MotoServer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

class EnvironmentsLoaderMotoTest {

    private static MotoServer moto;
    private static SsmClient ssm;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        ssm = MotoClients.build(SsmClient.builder(), moto.endpoint());
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    private static String environment(String name) {
        return "{\"name\":\"" + name + "\",\"tags\":[\"" + name + "\"],\"cluster\":\"glfs-" + name + "\","
                + "\"taskDefinition\":\"glfs-runner-" + name + "\",\"subnets\":[\"subnet-12345678\"],"
                + "\"securityGroups\":[\"sg-12345678\"]}";
    }

    private static void put(String name, String value, ParameterType type) {
        ssm.putParameter(r -> r.name(name).value(value).type(type).overwrite(true));
    }

    @Test
    void readsOneEnvironmentPerParameterRecursivelyInNameOrder() {
        put("/glfs/a/environments/staging", environment("staging"), ParameterType.STRING);
        put("/glfs/a/environments/dev", environment("dev"), ParameterType.SECURE_STRING);
        put("/glfs/a/environments/team/production", environment("production"), ParameterType.STRING);
        for (int i = 0; i < 12; i++) {
            put("/glfs/a/environments/z" + i, environment("z" + i), ParameterType.STRING);
        }
        put("/glfs/a/other", "not an environment", ParameterType.STRING);

        Environments environments = EnvironmentsLoader.fromSsm(ssm, "/glfs/a/environments");

        assertThat(environments.names()).hasSize(15).startsWith("dev", "staging", "production")
                .doesNotContain("other");
    }

    @Test
    void reportsEveryBadParameterAtOnce() {
        put("/glfs/b/environments/dev", environment("dev"), ParameterType.STRING);
        put("/glfs/b/environments/broken", "{\"name\":\"broken\"", ParameterType.STRING);
        put("/glfs/b/environments/wrong", "{\"name\":\"Wrong\",\"tags\":[\"x\"]}", ParameterType.STRING);

        assertThatThrownBy(() -> EnvironmentsLoader.fromSsm(ssm, "/glfs/b/environments"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("SSM parameter /glfs/b/environments/broken: is not valid JSON"))
                        .anyMatch(p -> p.contains("/glfs/b/environments/wrong") && p.contains("name \"Wrong\""))
                        .anyMatch(p -> p.contains("/glfs/b/environments/wrong") && p.contains("cluster is required"))
                        .noneMatch(p -> p.contains("/glfs/b/environments/dev")));
    }

    @Test
    void anEmptyPathMeansNoEnvironmentYetNotAnError() {
        // The control plane may be deployed before any environment stack registers itself under the path.
        assertThat(EnvironmentsLoader.fromSsm(ssm, "/glfs/none").all()).isEmpty();
    }

    @Test
    void inlineJsonNeedsNoSsmClient() {
        AtomicInteger built = new AtomicInteger();
        EnvReader env = new EnvReader(Map.of(EnvironmentsLoader.INLINE, "[" + environment("dev") + "]"));

        EnvironmentsLoader.Source source = EnvironmentsLoader.source(env);
        env.validate();
        var provider = EnvironmentsLoader.provider(source, () -> {
            built.incrementAndGet();
            return ssm;
        }, java.time.Clock.systemUTC(), dev.fargatescaler.domain.metrics.Metrics.NONE);

        assertThat(provider.current().environments().names()).containsExactly("dev");
        // An inline list cannot change while the version lives: it is always fresh, never reloaded.
        assertThat(provider.current().freshFor(java.time.Instant.MAX, java.time.Instant.MAX)).isTrue();
        assertThat(built).hasValue(0);
    }

    @Test
    void invalidInlineJsonFailsAtInitWithEveryProblem() {
        EnvironmentsLoader.Source source = new EnvironmentsLoader.Source("[{\"name\":\"Dev\"}]", null);

        assertThatThrownBy(() -> EnvironmentsLoader.provider(source, () -> ssm, java.time.Clock.systemUTC(),
                dev.fargatescaler.domain.metrics.Metrics.NONE))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).hasSizeGreaterThan(1));
    }

    @Test
    void theRefreshIntervalIsReadAndBounded() {
        EnvReader ok = new EnvReader(Map.of(EnvironmentsLoader.SSM_PATH, "/x", EnvironmentsLoader.REFRESH_SECONDS, "30"));
        EnvReader tooShort = new EnvReader(Map.of(EnvironmentsLoader.SSM_PATH, "/x",
                EnvironmentsLoader.REFRESH_SECONDS, "1"));

        assertThat(EnvironmentsLoader.source(ok).refresh()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(EnvironmentsLoader.source(new EnvReader(Map.of(EnvironmentsLoader.SSM_PATH, "/x"))).refresh())
                .isEqualTo(java.time.Duration.ofSeconds(60));
        EnvironmentsLoader.source(tooShort);
        assertThatThrownBy(tooShort::validate).hasMessageContaining(EnvironmentsLoader.REFRESH_SECONDS);
    }

    @Test
    void exactlyOneSourceIsRequired() {
        EnvReader neither = new EnvReader(Map.of());
        EnvironmentsLoader.source(neither);
        EnvReader both = new EnvReader(Map.of(EnvironmentsLoader.INLINE, "[]", EnvironmentsLoader.SSM_PATH, "/x"));
        EnvironmentsLoader.source(both);
        EnvReader relative = new EnvReader(Map.of(EnvironmentsLoader.SSM_PATH, "glfs/x"));
        EnvironmentsLoader.source(relative);

        assertThatThrownBy(neither::validate).hasMessageContaining("is required");
        assertThatThrownBy(both::validate).hasMessageContaining("set only one");
        assertThatThrownBy(relative::validate).hasMessageContaining("absolute SSM path");
    }
}
