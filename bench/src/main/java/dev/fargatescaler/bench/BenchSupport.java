package dev.fargatescaler.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;

/** Shared set-up for the JMH benchmarks. */
public final class BenchSupport {

    private BenchSupport() {
    }

    /**
     * A service client configured like {@code AwsClients.build} (region, static credentials, retry mode, call
     * timeout), but answered in-process by {@link FakeSdkHttpClient}.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder,
            RetryMode retryMode, Duration apiCallTimeout) {
        return builder.region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDBENCHMARK", "bench-secret-key")))
                .httpClient(new FakeSdkHttpClient())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(retryMode)
                        .apiCallTimeout(apiCallTimeout)
                        .build())
                .build();
    }

    /** EMF documents go to stdout in Lambda; here they are written to nowhere (the cost of writing them stays). */
    public static void silenceStdout() {
        System.setOut(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
    }

    public static String resource(String name) {
        try (InputStream in = BenchSupport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} copies of an event template with {@code ${N}} replaced by 1..count. */
    public static byte[][] events(String template, int count) {
        byte[][] events = new byte[count][];
        for (int i = 0; i < count; i++) {
            events[i] = template.replace("${N}", Integer.toString(i + 1)).getBytes(StandardCharsets.UTF_8);
        }
        return events;
    }
}
