package dev.fargatescaler.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

class FakeSecretsManagerTest {

    @Test
    void answersGetSecretValueThroughTheRealSdkByNameOrArnAndRefusesAnUnknownSecretAsTheApiDoes() {
        try (SecretsManagerClient client = SecretsManagerClient.builder().region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(new FakeSecretsManager(Map.of("glfs/token", "s3cret"))).build()) {
            assertThat(client.getSecretValue(r -> r.secretId("glfs/token")).secretString()).isEqualTo("s3cret");
            var byArn = client.getSecretValue(r -> r.secretId(
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:glfs/token"));
            assertThat(byArn.name()).isEqualTo("glfs/token");
            assertThat(byArn.versionStages()).containsExactly("AWSCURRENT");
            assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId("other")))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }
}
