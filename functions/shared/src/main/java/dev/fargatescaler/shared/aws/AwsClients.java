package dev.fargatescaler.shared.aws;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds AWS SDK clients the way a Lambda function should: once per container (call from a handler's no-arg
 * constructor, never per invocation), with the lightweight URLConnection HTTP client, an explicit region and
 * retry mode, and credentials from the environment when present (what Lambda provides) instead of probing the
 * whole default chain at cold start.
 *
 * <p>Endpoints are not set here on purpose: the SDK honours {@code AWS_ENDPOINT_URL} and
 * {@code AWS_ENDPOINT_URL_<SERVICE>}, which is how tests and local mode point every client at
 * {@code moto_server} without a code path that production never takes.
 */
public final class AwsClients {

    /** One HTTP client shared by every SDK client of the container. */
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(10))
            .build();

    private AwsClients() {
    }

    /**
     * SnapStart priming: loads the JDK's HTTP(S) connection classes the URLConnection client uses, by creating
     * (never opening) a connection object. No DNS lookup, no socket: nothing of the network is in the snapshot.
     */
    public static void primeHttp() {
        try {
            java.net.URLConnection connection = java.net.URI.create("https://" + region().id() + ".amazonaws.com/")
                    .toURL().openConnection();
            connection.setConnectTimeout(1);
            connection.setRequestProperty("Content-Type", "application/x-amz-json-1.0");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static Region region() {
        String region = System.getenv("AWS_REGION");
        if (region == null || region.isBlank()) {
            region = System.getenv("AWS_DEFAULT_REGION");
        }
        return Region.of(region == null || region.isBlank() ? "us-east-1" : region);
    }

    public static AwsCredentialsProvider credentials() {
        return System.getenv("AWS_ACCESS_KEY_ID") != null
                ? EnvironmentVariableCredentialsProvider.create()
                : DefaultCredentialsProvider.builder().build();
    }

    /**
     * Applies the common settings to any service client builder.
     *
     * @param retryMode {@link RetryMode#ADAPTIVE} for APIs with tight rate limits (ECS RunTask), where
     *                  client-side rate limiting avoids a retry storm; {@link RetryMode#STANDARD} elsewhere
     * @param apiCallTimeout upper bound for one call including retries, so a slow dependency cannot eat the
     *                       whole function timeout
     */
    public static <B extends AwsClientBuilder<B, C> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C>
            C build(B builder, RetryMode retryMode, Duration apiCallTimeout) {
        return build(builder, retryMode, 0, apiCallTimeout);
    }

    /**
     * As {@link #build(AwsClientBuilder, RetryMode, Duration)}, with the number of attempts per call (including
     * the first) instead of the SDK's default of 3; 0 keeps the default.
     */
    public static <B extends AwsClientBuilder<B, C> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C>
            C build(B builder, RetryMode retryMode, int maxAttempts, Duration apiCallTimeout) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder().retryStrategy(retryMode);
        if (maxAttempts > 0) {
            override.retryStrategy(strategy -> strategy.maxAttempts(maxAttempts));
        }
        return builder
                .region(region())
                .credentialsProvider(credentials())
                .httpClient(HTTP)
                .overrideConfiguration(override
                        .apiCallTimeout(apiCallTimeout)
                        // Inert except while SnapStart priming runs a call (see PrimingInterceptor).
                        .addExecutionInterceptor(PrimingInterceptor.INSTANCE)
                        .build())
                .build();
    }
}
