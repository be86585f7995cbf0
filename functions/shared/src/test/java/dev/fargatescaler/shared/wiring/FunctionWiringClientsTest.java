package dev.fargatescaler.shared.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.AccountAccess;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.AwsServiceClientConfiguration;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkClientConfiguration;
import software.amazon.awssdk.core.client.config.SdkClientOption;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.AdaptiveRetryStrategy;
import software.amazon.awssdk.retries.LegacyRetryStrategy;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * What each SDK client the functions ship really resolves to, built through the production factory methods
 * ({@link FunctionWiring}, as every handler's no-arg constructor builds them): retry strategy and attempts, call and
 * attempt timeouts, region, HTTP client. Read back from the built client, not from our own constants.
 */
class FunctionWiringClientsTest {

    private static final FunctionWiring WIRING = FunctionWiring.of(Map.of("AWS_REGION", "eu-west-1",
            "AWS_ACCESS_KEY_ID", "AKIDTEST", "AWS_SECRET_ACCESS_KEY", "test"));

    private static final AccountAccess ROLE = new AccountAccess("arn:aws:iam::210987654321:role/glfs-production-control",
            null);

    static Stream<Arguments> productionClients() {
        return Stream.of(
                Arguments.of("ECS for launches (scaler)", (Function<FunctionWiring, SdkClient>) FunctionWiring::ecsForLaunches,
                        AdaptiveRetryStrategy.class, 10, Duration.ofSeconds(20), Duration.ofSeconds(5)),
                Arguments.of("ECS for sweeps (sweeper)", (Function<FunctionWiring, SdkClient>) FunctionWiring::ecsForSweeps,
                        StandardRetryStrategy.class, 3, Duration.ofSeconds(20), Duration.ofSeconds(5)),
                Arguments.of("SQS for the webhook", (Function<FunctionWiring, SdkClient>) FunctionWiring::sqsForWebhook,
                        StandardRetryStrategy.class, 4, Duration.ofMillis(3500), Duration.ofMillis(800)),
                Arguments.of("SQS", (Function<FunctionWiring, SdkClient>) FunctionWiring::sqs,
                        StandardRetryStrategy.class, 3, Duration.ofSeconds(5), Duration.ofSeconds(2)),
                Arguments.of("SSM", (Function<FunctionWiring, SdkClient>) FunctionWiring::ssm,
                        StandardRetryStrategy.class, 3, Duration.ofMillis(2500), Duration.ofSeconds(1)),
                Arguments.of("Secrets Manager", (Function<FunctionWiring, SdkClient>) FunctionWiring::secretsManager,
                        StandardRetryStrategy.class, 3, Duration.ofMillis(2500), Duration.ofSeconds(1)),
                Arguments.of("DynamoDB for the webhook", (Function<FunctionWiring, SdkClient>) FunctionWiring::dynamoDbForWebhook,
                        StandardRetryStrategy.class, 2, Duration.ofSeconds(1), Duration.ofMillis(500)),
                Arguments.of("DynamoDB for sweeps", (Function<FunctionWiring, SdkClient>) FunctionWiring::dynamoDbForSweeps,
                        StandardRetryStrategy.class, 3, Duration.ofSeconds(10), Duration.ofSeconds(3)),
                Arguments.of("STS (assumed roles)", (Function<FunctionWiring, SdkClient>) FunctionWiring::sts,
                        StandardRetryStrategy.class, 3, Duration.ofSeconds(3), Duration.ofSeconds(1)),
                Arguments.of("ECS for launches in another account",
                        (Function<FunctionWiring, SdkClient>) w -> w.ecsForLaunches(ROLE),
                        AdaptiveRetryStrategy.class, 10, Duration.ofSeconds(20), Duration.ofSeconds(5)),
                Arguments.of("ECS for sweeps in another account",
                        (Function<FunctionWiring, SdkClient>) w -> w.ecsForSweeps(ROLE),
                        StandardRetryStrategy.class, 3, Duration.ofSeconds(20), Duration.ofSeconds(5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("productionClients")
    void resolvesToTheShippedRetryStrategyAndTimeouts(String name, Function<FunctionWiring, SdkClient> factory,
                                                      Class<? extends RetryStrategy> strategyType, int attempts,
                                                      Duration callTimeout, Duration attemptTimeout) {
        SdkClient client = factory.apply(WIRING);
        ClientOverrideConfiguration resolved = client.serviceClientConfiguration().overrideConfiguration();
        RetryStrategy strategy = resolved.retryStrategy().orElseThrow();

        assertThat(strategy).as(name).isInstanceOf(strategyType).isNotInstanceOf(LegacyRetryStrategy.class);
        assertThat(strategy.maxAttempts()).as(name).isEqualTo(attempts);
        assertThat(resolved.apiCallTimeout()).as(name).contains(callTimeout);
        assertThat(resolved.apiCallAttemptTimeout()).as(name).contains(attemptTimeout);
        assertThat(((AwsServiceClientConfiguration) client.serviceClientConfiguration()).region()).as(name)
                .isEqualTo(Region.EU_WEST_1);
        assertThat(httpClientName(client)).as(name).isEqualTo("UrlConnection");
        // One client per service per container: asking again returns the same client.
        assertThat(factory.apply(WIRING)).as(name).isSameAs(client);
    }

    @Test
    void anotherAccountsEcsClientsSignWithTheRolesRefreshingCredentialsFromTheContainersStsClient() throws Exception {
        SdkClient launches = WIRING.ecsForLaunches(ROLE);
        SdkClient sweeps = WIRING.ecsForSweeps(ROLE);

        assertThat(credentials(launches))
                .isInstanceOf(StsAssumeRoleCredentialsProvider.class)
                .isSameAs(credentials(sweeps));
        assertThat(credentials(WIRING.ecsForLaunches()))
                .isNotInstanceOf(StsAssumeRoleCredentialsProvider.class);
        StsAssumeRoleCredentialsProvider provider = (StsAssumeRoleCredentialsProvider) credentials(launches);
        // Refreshed 5 minutes before expiry, synchronously (no background thread for Lambda to freeze).
        assertThat(provider.prefetchTime()).isEqualTo(Duration.ofMinutes(5));
        assertThat(provider.staleTime()).isEqualTo(Duration.ofMinutes(1));
        Field sts = provider.getClass().getSuperclass().getDeclaredField("stsClient");
        sts.setAccessible(true);
        assertThat(sts.get(provider)).as("the container's one STS client").isSameAs(WIRING.sts());
        Field async = provider.getClass().getSuperclass().getDeclaredField("asyncCredentialUpdateEnabled");
        async.setAccessible(true);
        assertThat(async.get(provider)).isEqualTo(false);
    }

    @Test
    void theWebhooksQueueWriteRetriesEveryDeliveryWithShortJitteredBackoff() {
        RetryStrategy strategy = WIRING.sqsForWebhook().serviceClientConfiguration().overrideConfiguration()
                .retryStrategy().orElseThrow();

        // The strategies expose these only through toString (software.amazon.awssdk.retries.internal.BaseRetryStrategy).
        assertThat(strategy.toString()).contains("circuitBreakerEnabled=false")
                .contains("backoffStrategy=ExponentialDelayWithJitter(baseDelay=PT0.05S, maxDelay=PT0.4S)");
    }

    @Test
    void eachClientHasItsOwnStrategySoOneClientsRateLimiterDoesNotSlowAnother() {
        FunctionWiring other = FunctionWiring.of(Map.of("AWS_REGION", "eu-west-1"));

        assertThat(other.ecsForLaunches().serviceClientConfiguration().overrideConfiguration().retryStrategy()
                .orElseThrow()).isNotSameAs(WIRING.ecsForLaunches().serviceClientConfiguration()
                .overrideConfiguration().retryStrategy().orElseThrow());
    }

    @Test
    void theWarmPoolKeeperLaunchesThroughTheSweepersOwnEcsClient() throws Exception {
        FunctionWiring sweeper = FunctionWiring.of(Map.of("AWS_REGION", "eu-west-1"));
        Field clients = dev.fargatescaler.shared.aws.EcsTaskLauncher.class.getDeclaredField("clients");
        clients.setAccessible(true);
        @SuppressWarnings("unchecked")
        java.util.function.Function<dev.fargatescaler.domain.environment.AccountAccess, Object> lookup =
                (java.util.function.Function<dev.fargatescaler.domain.environment.AccountAccess, Object>)
                        clients.get(sweeper.poolLaunches());

        // The sweeper's container builds one ECS client (standard retries, 3 attempts), not the scaler's too; an
        // environment in another account gets the sweeper's client for its role, as the reaper does.
        assertThat(lookup.apply(dev.fargatescaler.domain.environment.AccountAccess.OWN))
                .isSameAs(sweeper.ecsForSweeps());
        var production = new dev.fargatescaler.domain.environment.AccountAccess(
                "arn:aws:iam::210987654321:role/glfs-production-control", null);
        assertThat(lookup.apply(production)).isSameAs(sweeper.ecsForSweeps(production))
                .isNotSameAs(sweeper.ecsForSweeps());
    }

    private static Object credentials(SdkClient client) {
        return ((AwsServiceClientConfiguration) client.serviceClientConfiguration()).credentialsProvider();
    }

    /** The SDK does not expose the HTTP client; its client configuration holds it (SdkClientOption). */
    private static String httpClientName(SdkClient client) {
        try {
            Field field = client.getClass().getDeclaredField("clientConfiguration");
            field.setAccessible(true);
            SdkClientConfiguration configuration = (SdkClientConfiguration) field.get(client);
            return configuration.option(SdkClientOption.SYNC_HTTP_CLIENT).clientName();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
