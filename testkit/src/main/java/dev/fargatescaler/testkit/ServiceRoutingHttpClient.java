package dev.fargatescaler.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * One {@link SdkHttpClient} for a whole {@code FunctionWiring} (which shares one HTTP client between its SDK
 * clients, as a Lambda container does) that sends the requests of chosen services (JSON protocol, by
 * {@code X-Amz-Target} prefix) to in-process doubles ({@code FakeEcs}, {@code FakeSqs}) and everything else to a
 * real client (moto_server): the seam benchmarks and tests plug into the production wiring.
 */
public final class ServiceRoutingHttpClient implements SdkHttpClient {

    /** {@code X-Amz-Target} prefix of ECS requests. */
    public static final String ECS = "AmazonEC2ContainerServiceV20141113.";
    /** {@code X-Amz-Target} prefix of SQS requests (SDK v2 uses SQS's JSON protocol). */
    public static final String SQS = "AmazonSQS.";

    private final Map<String, SdkHttpClient> routes = new LinkedHashMap<>();
    private final SdkHttpClient others;

    /** ECS to {@code ecs}, everything else to {@code others}. */
    public ServiceRoutingHttpClient(SdkHttpClient ecs, SdkHttpClient others) {
        this(others);
        route(ECS, ecs);
    }

    private ServiceRoutingHttpClient(SdkHttpClient others) {
        this.others = Objects.requireNonNull(others);
    }

    /** Also sends the requests whose target starts with {@code targetPrefix} to {@code client}. */
    public ServiceRoutingHttpClient route(String targetPrefix, SdkHttpClient client) {
        routes.put(targetPrefix, Objects.requireNonNull(client));
        return this;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
        for (Map.Entry<String, SdkHttpClient> route : routes.entrySet()) {
            if (target.startsWith(route.getKey())) {
                return route.getValue().prepareRequest(request);
            }
        }
        return others.prepareRequest(request);
    }

    @Override
    public String clientName() {
        return "ServiceRouting";
    }

    @Override
    public void close() {
        routes.values().forEach(SdkHttpClient::close);
        others.close();
    }
}
