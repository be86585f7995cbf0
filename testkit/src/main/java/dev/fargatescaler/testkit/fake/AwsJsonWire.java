package dev.fargatescaler.testkit.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.function.Function;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The wire of AWS's JSON protocols as the in-process doubles speak it to the real SDK: the operation is named by
 * the {@code X-Amz-Target} header, the request and the answer are JSON bodies, an error is
 * {@code {"__type": ..., "message": ...}} with a 4xx or 5xx status, and every answer carries a request id
 * ({@code x-amzn-RequestId}). https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
 */
public final class AwsJsonWire {

    /** SQS's protocol (AWS JSON 1.0). */
    public static final String JSON_1_0 = "application/x-amz-json-1.0";
    /** ECS's and Secrets Manager's protocol (AWS JSON 1.1). */
    public static final String JSON_1_1 = "application/x-amz-json-1.1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AwsJsonWire() {
    }

    /** A request the double answers by {@code handler}, from its target header and body. */
    public static ExecutableHttpRequest answering(HttpExecuteRequest request,
                                                  Function<Call, HttpExecuteResponse> handler) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                return handler.apply(new Call(target(request), body(request)));
            }

            @Override
            public void abort() {
            }
        };
    }

    /** One call: the {@code X-Amz-Target} header ("" without one) and the request body. */
    public record Call(String target, byte[] body) {
        /** The operation, without the service's target prefix. */
        public String operation(String prefix) {
            return target.startsWith(prefix) ? target.substring(prefix.length()) : target;
        }
    }

    public static String target(HttpExecuteRequest request) {
        return request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
    }

    public static byte[] body(HttpExecuteRequest request) {
        return request.contentStreamProvider().map(p -> {
            try (InputStream in = p.newStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).orElse(new byte[0]);
    }

    public static HttpExecuteResponse answer(int status, JsonNode body, String contentType) {
        try {
            return answer(status, JSON.writeValueAsBytes(body), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static HttpExecuteResponse answer(int status, byte[] bytes, String contentType) {
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder().statusCode(status)
                        .putHeader("Content-Type", contentType)
                        .putHeader("Content-Length", Integer.toString(bytes.length))
                        .putHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                .build();
    }

    public static HttpExecuteResponse error(int status, String type, String message, String contentType) {
        return answer(status, JSON.createObjectNode().put("__type", type).put("message", message), contentType);
    }
}
