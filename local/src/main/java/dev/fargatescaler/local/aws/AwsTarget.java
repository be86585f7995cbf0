package dev.fargatescaler.local.aws;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Where local mode's AWS calls go: an emulator ({@code moto_server}, with dummy credentials) or, with
 * {@code --real-aws}, the account of the usual credential chain. Builds the SDK clients local mode itself uses
 * and the AWS part of each function's environment.
 *
 * @param endpoint  the emulator's URL, or null for real AWS
 * @param accountId the account id ARNs are built with ({@code 123456789012} on moto)
 */
public record AwsTarget(URI endpoint, Region region, String accountId) {

    /** moto_server's account id. */
    public static final String EMULATOR_ACCOUNT = "123456789012";
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(30))
            .build();

    /** The emulator at {@code endpoint}, in the region of this process's environment. */
    public static AwsTarget emulator(String endpoint) {
        return emulator(endpoint, regionFromEnvironment());
    }

    /**
     * The emulator at {@code endpoint}, in {@code region}: moto keeps every region apart, as AWS does, so what
     * local mode provisions and what the functions call must use this one region.
     */
    public static AwsTarget emulator(String endpoint, Region region) {
        return new AwsTarget(URI.create(endpoint), region, EMULATOR_ACCOUNT);
    }

    /** {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}, else us-east-1 (what the AWS CLI and SDKs read). */
    public static Region regionFromEnvironment() {
        return regionFrom(System.getenv());
    }

    public static Region regionFrom(Map<String, String> env) {
        String region = env.get("AWS_REGION");
        if (region == null || region.isBlank()) {
            region = env.get("AWS_DEFAULT_REGION");
        }
        return Region.of(region == null || region.isBlank() ? "us-east-1" : region.strip());
    }

    public boolean isEmulator() {
        return endpoint != null;
    }

    public AwsCredentialsProvider credentials() {
        if (isEmulator() && !EMULATOR_ACCOUNT.equals(accountId)) {
            // A second account on the same moto_server: the credentials of a role assumed there (testkit's
            // MotoAccounts says how moto tells accounts apart).
            return dev.fargatescaler.testkit.MotoAccounts.credentials(endpoint.toString(), region, accountId);
        }
        return isEmulator()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))
                : DefaultCredentialsProvider.builder().build();
    }

    /** The same emulator and region, as another account (an environment in its own account). */
    public AwsTarget inAccount(String otherAccountId) {
        if (!isEmulator()) {
            throw new IllegalStateException("local mode deploys environments in other accounts on the emulator only");
        }
        return new AwsTarget(endpoint, region, otherAccountId);
    }

    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        builder.region(region).credentialsProvider(credentials()).httpClient(HTTP)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(30)).build());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /**
     * The AWS variables of a function's environment: region and endpoint, and credentials (dummy ones for the
     * emulator; for real AWS, those of this shell, passed through as Lambda passes its role's).
     */
    public Map<String, String> functionEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", region.id());
        env.put("AWS_DEFAULT_REGION", region.id());
        if (isEmulator()) {
            env.put("AWS_ENDPOINT_URL", endpoint.toString());
            env.put("AWS_ACCESS_KEY_ID", "testing");
            env.put("AWS_SECRET_ACCESS_KEY", "testing");
        } else {
            for (String name : new String[] {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                    "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "HOME"}) {
                String value = System.getenv(name);
                if (value != null) {
                    env.put(name, value);
                }
            }
        }
        return env;
    }
}
