package dev.fargatescaler.shared.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.lifecycle.ProjectRegistry.KnownProject;
import dev.fargatescaler.testkit.MotoClients;
import dev.fargatescaler.testkit.MotoServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The projects table through the real SDK against moto_server, created as template.yaml declares it. */
class DynamoDbProjectRegistryMotoTest {

    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private static MotoServer moto;
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        dynamo = MotoClients.build(DynamoDbClient.builder(), moto.endpoint());
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    @BeforeEach
    void createTable() {
        moto.reset();
        dynamo.createTable(r -> r.tableName("projects").billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("projectId").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("projectId").attributeType(ScalarAttributeType.N)));
        dynamo.updateTimeToLive(r -> r.tableName("projects")
                .timeToLiveSpecification(t -> t.attributeName("expiresAt").enabled(true)));
    }

    private static Map<String, AttributeValue> item(long projectId) {
        return dynamo.getItem(r -> r.tableName("projects")
                .key(Map.of("projectId", AttributeValue.fromN(Long.toString(projectId))))).item();
    }

    @Test
    void theWebhookAndTheSweeperWriteDisjointAttributesOfOneItem() {
        DynamoDbProjectRegistry registry = new DynamoDbProjectRegistry(dynamo, "projects", 100);

        registry.seen(42, T0);
        registry.swept(42, T0.plusSeconds(60));
        registry.seen(42, T0.plusSeconds(600));

        assertThat(registry.projects()).containsExactly(new KnownProject(42, T0, T0.plusSeconds(600),
                T0.plusSeconds(60)));
        assertThat(item(42).get("expiresAt").n())
                .isEqualTo(Long.toString(T0.plusSeconds(600).plus(Duration.ofDays(31)).getEpochSecond()));
    }

    @Test
    void aSweepOfAProjectNeverSeenCreatesAnItemThatStillExpires() {
        DynamoDbProjectRegistry registry = new DynamoDbProjectRegistry(dynamo, "projects", 100);

        registry.swept(7, T0);

        assertThat(registry.projects()).containsExactly(new KnownProject(7, null, null, T0));
        assertThat(item(7)).containsKey("expiresAt");
    }

    @Test
    void readsEveryPageAndStopsAtItsLimit() {
        DynamoDbProjectRegistry registry = new DynamoDbProjectRegistry(dynamo, "projects", 100, 7);
        for (long p = 1; p <= 45; p++) {
            registry.seen(p, T0.plusSeconds(p));
        }

        List<KnownProject> all = registry.projects();
        List<KnownProject> capped = new DynamoDbProjectRegistry(dynamo, "projects", 20, 7).projects();

        assertThat(all).hasSize(45).extracting(KnownProject::projectId).doesNotHaveDuplicates();
        assertThat(all.stream().sorted(Comparator.comparingLong(KnownProject::projectId)).toList().get(44))
                .isEqualTo(new KnownProject(45, T0.plusSeconds(45), T0.plusSeconds(45), null));
        assertThat(capped).hasSize(20);
    }

    @Test
    void snapStartPrimingMarshalsTheWebhooksWriteWithoutSendingIt() {
        // The webhook's own adapter, built by the production wiring (pointed at moto_server).
        DynamoDbProjectRegistry production = dev.fargatescaler.shared.wiring.FunctionWiring.of(java.util.Map.of(
                "AWS_ENDPOINT_URL", moto.endpoint().toString(), "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing")).projectsForWebhook("projects");

        production.prime();

        assertThat(dynamo.scan(r -> r.tableName("projects")).items()).isEmpty();
        // A client without the priming interceptor would send it: priming refuses rather than write.
        assertThatThrownBy(() -> new DynamoDbProjectRegistry(dynamo, "projects", 1).prime())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMissingTableIsAConfigurationErrorAndAnUnreachableOneRetryable() {
        DynamoDbProjectRegistry missing = new DynamoDbProjectRegistry(dynamo, "no-such-table", 100);
        assertThatThrownBy(() -> missing.seen(1, T0)).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(missing::projects).isInstanceOf(ConfigurationException.class);

        DynamoDbClient nowhere = MotoClients.build(DynamoDbClient.builder(), "http://127.0.0.1:1");
        assertThatThrownBy(() -> new DynamoDbProjectRegistry(nowhere, "projects", 100).seen(1, T0))
                .isInstanceOf(RetryableException.class);
    }
}
