package dev.fargatescaler.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Lambda Java runtime adds around a {@code RequestHandler<I, O>} that takes the AWS Lambda Java Events
 * types (issue 12): the runtime's serializer turns the event bytes into {@code I} and {@code O} back into bytes.
 * It is {@code aws-lambda-java-serialization}, which the runtime interface client depends on (aws/aws-lambda-java-libs,
 * {@code aws-lambda-java-runtime-interface-client/pom.xml}); the bench uses the version local mode uses (1.4.1),
 * the managed runtime's own version is not published.
 *
 * <p>As in the runtime interface client ({@code EventHandlerLoader.PojoHandlerAsStreamHandler}, aws/aws-lambda-java-libs,
 * aws-lambda-java-runtime-interface-client): both serializers are <em>created</em> when the handler is loaded, i.e.
 * in the init phase (so in a SnapStart snapshot), and <em>used</em> for the first time by the first invocation,
 * after the restore; the function's own priming hooks cannot reach them (they belong to the runtime). The
 * serializer is picked as local mode's {@code HandlerAdapter} picks it: the event-specific one for the types the
 * library supports ({@code SQSEvent}, {@code ScheduledEvent}), otherwise its Jackson factory
 * ({@code APIGatewayV2HTTPEvent} is not on its supported list).
 *
 * <p>ColdStart ({@code -Dbench.typed=<function>}) creates the probe after the handler's constructor (counted in
 * init) and, per invocation, deserialises the event, runs the shipped handler on the same bytes and serialises
 * the answer object the typed handler would return. The serializer's share of the invocation is reported
 * separately ({@code serializer_first}), so the typed handler's cost is estimated as the shipped handler's own
 * invocation plus that share: a typed handler still does everything the stream handler does after parsing
 * (the webhook's Job Hook body, the scaler's queue messages and the reporter's task detail stay Jackson parses).
 */
final class RuntimeSerializerProbe {

    private static final Pattern STATUS = Pattern.compile("\"statusCode\"\\s*:\\s*(\\d+)");

    private final String function;
    private final PojoSerializer<Object> input;
    private final PojoSerializer<Object> output;
    long lastNanos;

    private RuntimeSerializerProbe(String function, Class<?> in, Class<?> out) {
        this.function = function;
        ClassLoader loader = RuntimeSerializerProbe.class.getClassLoader();
        this.input = serializer(in, loader);
        this.output = out == null ? null : serializer(out, loader);
    }

    static RuntimeSerializerProbe forFunction(String function) {
        return switch (function) {
            case "webhook" -> new RuntimeSerializerProbe(function, APIGatewayV2HTTPEvent.class,
                    APIGatewayV2HTTPResponse.class);
            case "scaler" -> new RuntimeSerializerProbe(function, SQSEvent.class, SQSBatchResponse.class);
            // The reporter's ECS task state change and the sweeper's schedule are both EventBridge events:
            // ScheduledEvent is the library's generic EventBridge type (detail as a Map). Both return nothing.
            case "reporter", "sweeper" -> new RuntimeSerializerProbe(function, ScheduledEvent.class, null);
            default -> throw new IllegalArgumentException("no typed probe for " + function);
        };
    }

    /** The event as the typed handler would receive it (its fields are read, as a handler would). */
    Object deserialize(byte[] event) {
        long start = System.nanoTime();
        Object in = input.fromJson(new ByteArrayInputStream(event));
        touch(in);
        lastNanos = System.nanoTime() - start;
        return in;
    }

    /** The answer the typed handler would return, built from the shipped handler's answer, then serialised. */
    byte[] serialize(String streamAnswer) {
        long start = System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (output == null) {
            out.writeBytes("null".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
            Object answer = switch (function) {
                case "webhook" -> {
                    Matcher m = STATUS.matcher(streamAnswer);
                    yield APIGatewayV2HTTPResponse.builder()
                            .withStatusCode(m.find() ? Integer.parseInt(m.group(1)) : 200)
                            .withHeaders(Map.of("content-type", "application/json"))
                            .withBody(streamAnswer).build();
                }
                default -> new SQSBatchResponse(List.of());
            };
            output.toJson(answer, out);
        }
        lastNanos += System.nanoTime() - start;
        return out.toByteArray();
    }

    private static void touch(Object in) {
        if (in instanceof APIGatewayV2HTTPEvent http) {
            requireNonNull(http.getHeaders());
            requireNonNull(http.getBody());
        } else if (in instanceof SQSEvent sqs) {
            requireNonNull(sqs.getRecords().get(0).getBody());
        } else if (in instanceof ScheduledEvent scheduled) {
            requireNonNull(scheduled.getDetailType());
        }
    }

    private static void requireNonNull(Object value) {
        if (value == null) {
            throw new IllegalStateException("the runtime serializer lost a field the handler needs");
        }
    }

    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializer(Class<?> type, ClassLoader loader) {
        if (LambdaEventSerializers.isLambdaSupportedEvent(type.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(type, loader);
        }
        return JacksonFactory.getInstance().getSerializer((java.lang.reflect.Type) type);
    }
}
