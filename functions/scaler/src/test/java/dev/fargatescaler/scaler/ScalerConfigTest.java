package dev.fargatescaler.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.shared.config.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalerConfigTest {

    @Test
    void readsEverySetting() {
        ScalerConfig config = ScalerConfig.load(new EnvReader(Map.of(
                "GITLAB_URL", "https://gitlab.example.com/",
                "GITLAB_TOKEN_SECRET", "ssm:/glfs/gitlab-token",
                "GITLAB_TIMEOUT_SECONDS", "7",
                "JOB_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
                "QUEUE_MAX_RECEIVE_COUNT", "10",
                "ENVIRONMENTS_SSM_PATH", "/glfs/environments",
                "SECRET_CACHE_TTL_SECONDS", "60")));

        assertThat(config.gitLabUrl()).isEqualTo(URI.create("https://gitlab.example.com/"));
        assertThat(config.gitLabTokenSecret()).isEqualTo("ssm:/glfs/gitlab-token");
        assertThat(config.gitLabTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.requeueAtReceiveCount()).isEqualTo(8);
        assertThat(config.environments().ssmPath()).isEqualTo("/glfs/environments");
        assertThat(config.environments().inlineJson()).isNull();
        assertThat(config.secretTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.metricsNamespace()).isEqualTo("GitLabFargateScaler");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> ScalerConfig.load(new EnvReader(Map.of(
                "GITLAB_URL", "gitlab.example.com",
                "GITLAB_TIMEOUT_SECONDS", "300",
                "QUEUE_MAX_RECEIVE_COUNT", "1"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("GITLAB_URL must be the GitLab base URL"))
                        .anyMatch(p -> p.equals("GITLAB_TOKEN_SECRET is required"))
                        .anyMatch(p -> p.startsWith("GITLAB_TIMEOUT_SECONDS must be"))
                        .anyMatch(p -> p.equals("JOB_QUEUE_URL is required"))
                        .anyMatch(p -> p.startsWith("QUEUE_MAX_RECEIVE_COUNT must be"))
                        .anyMatch(p -> p.contains("ENVIRONMENTS (a JSON array) or ENVIRONMENTS_SSM_PATH"))
                        .hasSize(6));
    }

    @Test
    void refusesAGitLabUrlWithCredentialsOrQuery() {
        for (String url : new String[] {"https://user:pw@gitlab.example.com", "https://gitlab.example.com/?x=1",
                "ftp://gitlab.example.com"}) {
            assertThatThrownBy(() -> ScalerConfig.load(new EnvReader(Map.of("GITLAB_URL", url,
                    "GITLAB_TOKEN_SECRET", "t", "JOB_QUEUE_URL", "q", "ENVIRONMENTS", "[]"))))
                    .hasMessageContaining("GITLAB_URL must be");
        }
    }

    @Test
    void theLambdaConstructorRefusesToStartWithoutConfiguration() {
        // The test JVM has no GITLAB_URL etc.: the no-arg constructor must fail listing every problem, before
        // building any client.
        assertThatThrownBy(ScalerHandler::new).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.problems()).contains("GITLAB_URL is required", "GITLAB_TOKEN_SECRET is required",
                        "JOB_QUEUE_URL is required"));
    }
}
