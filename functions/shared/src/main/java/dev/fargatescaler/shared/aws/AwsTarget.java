package dev.fargatescaler.shared.aws;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where and as whom a container's SDK clients talk: the region, the credentials and, for emulators, an endpoint.
 *
 * <p>In Lambda ({@link #ofProcess()}): region from {@code AWS_REGION}; credentials from the access-key variables
 * when Lambda sets them, else the SDK's default chain, which is what SnapStart functions get: "when SnapStart is
 * activated, the Java runtime automatically uses the container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)
 * instead of the access key environment variables"
 * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html#snapstart-credentials). Both providers
 * resolve lazily, on a client's first real call, so no credential is in a SnapStart snapshot (priming signs with
 * throwaway credentials, see PrimingInterceptor); the default chain refreshes container credentials before they
 * expire. No endpoint is set: the SDK itself honours {@code AWS_ENDPOINT_URL}.
 *
 * <p>For a map of variables ({@link #of(Map)}: local mode's {@code fromEnvironment} and tests), the same
 * variables are read from the map, so a whole function can be pointed at {@code moto_server} without touching the
 * process environment.
 */
public record AwsTarget(Region region, AwsCredentialsProvider credentials, URI endpoint) {

    public AwsTarget {
        Objects.requireNonNull(region);
        Objects.requireNonNull(credentials);
    }

    public Optional<URI> endpointOverride() {
        return Optional.ofNullable(endpoint);
    }

    /** The same region and endpoint, as another principal (an assumed role). */
    public AwsTarget as(AwsCredentialsProvider other) {
        return new AwsTarget(region, other, endpoint);
    }

    /** What Lambda gives the process. */
    public static AwsTarget ofProcess() {
        Map<String, String> env = System.getenv();
        return new AwsTarget(region(env),
                present(env.get("AWS_ACCESS_KEY_ID"))
                        ? EnvironmentVariableCredentialsProvider.create()
                        : DefaultCredentialsProvider.builder().build(),
                null);
    }

    /** The same variables read from {@code env}; whatever the map lacks comes from the process, as in Lambda. */
    public static AwsTarget of(Map<String, String> env) {
        AwsTarget process = ofProcess();
        String key = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        String session = env.get("AWS_SESSION_TOKEN");
        AwsCredentialsProvider credentials = present(key) && present(secret)
                ? StaticCredentialsProvider.create(present(session)
                        ? AwsSessionCredentials.create(key, secret, session)
                        : AwsBasicCredentials.create(key, secret))
                : process.credentials();
        String endpoint = env.get("AWS_ENDPOINT_URL");
        boolean hasRegion = present(env.get("AWS_REGION")) || present(env.get("AWS_DEFAULT_REGION"));
        return new AwsTarget(hasRegion ? region(env) : process.region(), credentials,
                present(endpoint) ? URI.create(endpoint.strip()) : null);
    }

    static Region region(Map<String, String> env) {
        String region = env.get("AWS_REGION");
        if (!present(region)) {
            region = env.get("AWS_DEFAULT_REGION");
        }
        return Region.of(present(region) ? region.strip() : "us-east-1");
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
