package dev.fargatescaler.shared.aws;

import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Builds AWS SDK clients the way a Lambda function should: explicitly (region, credentials, HTTP client, retry
 * strategy and time limits from {@link ClientSettings}), and once per container. Called only by
 * {@code FunctionWiring}, which every handler's no-arg constructor uses; benchmarks and tests build their clients
 * through the same methods, passing another {@link SdkHttpClient} (an in-process fake) or {@link AwsTarget} (an
 * emulator) where they must.
 */
public final class AwsClients {

    private AwsClients() {
    }

    /**
     * The HTTP client a container's SDK clients share: the lightweight URLConnection client (no Apache or Netty
     * on the class path, see the root pom). Its socket timeout is only a backstop: each client's attempt timeout
     * ({@link ClientSettings}) is shorter.
     */
    public static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10))
                .build();
    }

    /**
     * SnapStart priming: loads the JDK's HTTP(S) connection classes the URLConnection client uses, by creating
     * (never opening) a connection object. No DNS lookup, no socket: nothing of the network is in the snapshot.
     */
    public static void primeHttp() {
        try {
            java.net.URLConnection connection = java.net.URI.create("https://sts.amazonaws.com/")
                    .toURL().openConnection();
            connection.setConnectTimeout(1);
            connection.setRequestProperty("Content-Type", "application/x-amz-json-1.0");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A client with {@code settings}, talking through {@code http} to {@code target}. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, ClientSettings settings, SdkHttpClient http, AwsTarget target) {
        target.endpointOverride().ifPresent(builder::endpointOverride);
        return builder
                .region(target.region())
                .credentialsProvider(target.credentials())
                .httpClient(http)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(settings.retryStrategy().get())
                        .apiCallTimeout(settings.apiCallTimeout())
                        .apiCallAttemptTimeout(settings.attemptTimeout())
                        // Inert except while SnapStart priming runs a call (see PrimingInterceptor).
                        .addExecutionInterceptor(PrimingInterceptor.INSTANCE)
                        .build())
                .build();
    }
}
