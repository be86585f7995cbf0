package dev.fargatescaler.testkit;

import java.util.Objects;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * One {@link SdkHttpClient} for a whole {@code FunctionWiring} (which shares one HTTP client between its SDK
 * clients, as a Lambda container does) that sends ECS requests (JSON protocol, {@code X-Amz-Target:
 * AmazonEC2ContainerServiceV20141113.*}) to an in-process ECS ({@code FakeEcs}) and everything else to a real
 * client (moto_server): the seam benchmarks and tests plug into the production wiring.
 */
public final class ServiceRoutingHttpClient implements SdkHttpClient {

    private static final String ECS_TARGET = "AmazonEC2ContainerServiceV20141113.";

    private final SdkHttpClient ecs;
    private final SdkHttpClient others;

    public ServiceRoutingHttpClient(SdkHttpClient ecs, SdkHttpClient others) {
        this.ecs = Objects.requireNonNull(ecs);
        this.others = Objects.requireNonNull(others);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
        return (target.startsWith(ECS_TARGET) ? ecs : others).prepareRequest(request);
    }

    @Override
    public String clientName() {
        return "ServiceRouting";
    }

    @Override
    public void close() {
        ecs.close();
        others.close();
    }
}
