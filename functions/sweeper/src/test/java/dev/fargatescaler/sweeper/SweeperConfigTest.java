package dev.fargatescaler.sweeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.shared.config.EnvReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweeperConfigTest {

    @Test
    void theReaperAloneNeedsOnlyTheEnvironments() {
        SweeperConfig config = SweeperConfig.load(new EnvReader(Map.of("ENVIRONMENTS_SSM_PATH", "/glfs/envs")));

        assertThat(config.catchUpEnabled()).isFalse();
        assertThat(config.gitLab()).isNull();
        assertThat(config.queueUrl()).isNull();
        assertThat(config.maxPages()).isEqualTo(100);
        assertThat(config.maxPagesPerProject()).isEqualTo(10);
        assertThat(config.maxJobs()).isEqualTo(100);
        assertThat(config.projectsTable()).isNull();
        assertThat(config.timeReserve()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.environments().ssmPath()).isEqualTo("/glfs/envs");
    }

    @Test
    void theCatchUpNeedsGitLabAndTheQueue() {
        SweeperConfig config = SweeperConfig.load(new EnvReader(Map.of(
                "ENVIRONMENTS", "[]",
                "CATCH_UP_PROJECT_IDS", "42, 7,42 ,9",
                "GITLAB_URL", "https://gitlab.example.com",
                "GITLAB_TOKEN_SECRET", "ssm:/glfs/gitlab-token",
                "JOB_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
                "CATCH_UP_MAX_PAGES", "5")));

        assertThat(config.projectIds()).containsExactly(42L, 7L, 9L);
        assertThat(config.gitLab().url().toString()).isEqualTo("https://gitlab.example.com");
        assertThat(config.maxPages()).isEqualTo(5);
        assertThat(config.maxPagesPerProject()).as("never more than the run's pages").isEqualTo(5);
    }

    @Test
    void theProjectsTableTurnsDiscoveryOnAndWithItTheCatchUp() {
        SweeperConfig config = SweeperConfig.load(new EnvReader(Map.of(
                "ENVIRONMENTS", "[]",
                "PROJECTS_TABLE", "glfs-projects",
                "GITLAB_URL", "https://gitlab.example.com",
                "GITLAB_TOKEN_SECRET", "ssm:/glfs/gitlab-token",
                "JOB_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs")));

        assertThat(config.catchUpEnabled()).isTrue();
        assertThat(config.projectsTable()).isEqualTo("glfs-projects");
        assertThat(config.projectIds()).isEmpty();
        assertThat(config.activeWindow()).isEqualTo(Duration.ofDays(7));

        assertThatThrownBy(() -> SweeperConfig.load(new EnvReader(Map.of("ENVIRONMENTS", "[]",
                "PROJECTS_TABLE", "glfs-projects")))).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.problems()).anyMatch(p -> p.contains("GITLAB_URL"))
                        .anyMatch(p -> p.contains("JOB_QUEUE_URL")));
        assertThatThrownBy(() -> SweeperConfig.load(new EnvReader(Map.of("ENVIRONMENTS", "[]",
                "CATCH_UP_MAX_PAGES", "5", "CATCH_UP_MAX_PAGES_PER_PROJECT", "6", "CATCH_UP_ACTIVE_DAYS", "31"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.contains("CATCH_UP_MAX_PAGES_PER_PROJECT (6) must not exceed"))
                        .anyMatch(p -> p.startsWith("CATCH_UP_ACTIVE_DAYS")));
    }

    @Test
    void theHandlerRefusesToStartUnconfigured() {
        assertThatThrownBy(() -> SweeperHandler.fromEnvironment(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ENVIRONMENTS");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> SweeperConfig.load(new EnvReader(Map.of(
                "CATCH_UP_PROJECT_IDS", "42,abc,-3",
                "CATCH_UP_MAX_JOBS", "0"))))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems())
                        .anyMatch(p -> p.contains("ENVIRONMENTS"))
                        .anyMatch(p -> p.contains("\"abc\""))
                        .anyMatch(p -> p.contains("\"-3\""))
                        .anyMatch(p -> p.contains("GITLAB_URL"))
                        .anyMatch(p -> p.contains("GITLAB_TOKEN_SECRET"))
                        .anyMatch(p -> p.contains("JOB_QUEUE_URL"))
                        .anyMatch(p -> p.startsWith("CATCH_UP_MAX_JOBS"))
                        .hasSize(7));
    }
}
