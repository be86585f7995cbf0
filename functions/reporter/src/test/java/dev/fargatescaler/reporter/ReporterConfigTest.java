package dev.fargatescaler.reporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.report.PriceTable;
import dev.fargatescaler.shared.config.EnvReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReporterConfigTest {

    @Test
    void defaults() {
        ReporterConfig config = ReporterConfig.load(new EnvReader(Map.of(
                "GITLAB_URL", "https://gitlab.example.com",
                "GITLAB_TOKEN_SECRET", "ssm:/glfs/gitlab-token",
                "JOB_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs")));

        assertThat(config.maxRelaunches()).isEqualTo(2);
        assertThat(config.prices()).isEqualTo(PriceTable.DEFAULT);
        assertThat(config.defaultArchitecture()).isEqualTo("x86_64");
        assertThat(config.gitLab().url().getHost()).isEqualTo("gitlab.example.com");
        assertThat(config.environments()).as("optional: only for cost hints").isNull();
    }

    @Test
    void readsOverrides() {
        ReporterConfig config = ReporterConfig.load(new EnvReader(Map.of(
                "GITLAB_URL", "https://gitlab.example.com",
                "GITLAB_TOKEN_SECRET", "ssm:/glfs/gitlab-token",
                "JOB_QUEUE_URL", "q",
                "RELAUNCH_MAX_ATTEMPTS", "0",
                "DEFAULT_CPU_ARCHITECTURE", "ARM64",
                "PRICE_TABLE", "{\"spotDiscount\":0.6}",
                "ENVIRONMENTS_SSM_PATH", "/glfs/environments")));

        assertThat(config.maxRelaunches()).isZero();
        assertThat(config.environments().ssmPath()).isEqualTo("/glfs/environments");
        assertThat(config.defaultArchitecture()).isEqualTo("arm64");
        assertThat(config.prices().spotDiscount()).isEqualTo(0.6);
    }

    @Test
    void theHandlerRefusesToStartUnconfigured() {
        assertThatThrownBy(() -> ReporterHandler.fromEnvironment(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("GITLAB_URL").hasMessageContaining("JOB_QUEUE_URL");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> ReporterConfig.load(new EnvReader(Map.of(
                "GITLAB_URL", "gitlab.example.com",
                "RELAUNCH_MAX_ATTEMPTS", "-1",
                "DEFAULT_CPU_ARCHITECTURE", "sparc",
                "PRICE_TABLE", "{\"spotDiscount\":2}"))))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems()).hasSize(6)
                        .anyMatch(p -> p.startsWith("GITLAB_URL"))
                        .anyMatch(p -> p.contains("GITLAB_TOKEN_SECRET"))
                        .anyMatch(p -> p.contains("JOB_QUEUE_URL"))
                        .anyMatch(p -> p.startsWith("RELAUNCH_MAX_ATTEMPTS"))
                        .anyMatch(p -> p.startsWith("DEFAULT_CPU_ARCHITECTURE"))
                        .anyMatch(p -> p.startsWith("PRICE_TABLE")));
    }
}
