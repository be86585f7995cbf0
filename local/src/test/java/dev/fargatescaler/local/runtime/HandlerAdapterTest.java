package dev.fargatescaler.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandlerAdapterTest {

    /** A RequestHandler on an aws-lambda-java-events type, which needs the runtime's own event mapping. */
    public static final class SqsBodies implements RequestHandler<SQSEvent, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(SQSEvent event, Context context) {
            SQSEvent.SQSMessage first = event.getRecords().get(0);
            return Map.of("records", event.getRecords().size(), "firstBody", first.getBody(),
                    "receiveCount", first.getAttributes().get("ApproximateReceiveCount"),
                    "function", context.getFunctionName());
        }
    }

    public static final class Echo implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
            output.write(("[" + new String(input.readAllBytes(), StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final Context CONTEXT = new LocalContext("req-1", System.currentTimeMillis() + 3000, "fn",
            "$LATEST", "arn:aws:lambda:us-east-1:123456789012:function:fn", "/aws/lambda/fn", "s", 512,
            new PrintStream(OutputStream.nullOutputStream()));

    @Test
    void requestHandlerGetsTheEventAsTheLambdaRuntimeMapsIt() throws Exception {
        HandlerAdapter adapter = HandlerAdapter.load(SqsBodies.class.getName() + "::handleRequest",
                getClass().getClassLoader());
        // Lambda's SQS event: "Records", "body", "attributes" – names the plain POJO mapping would not match.
        String event = """
                {"Records":[{"messageId":"m1","receiptHandle":"r1","body":"hello","attributes":
                {"ApproximateReceiveCount":"3"},"messageAttributes":{},"eventSource":"aws:sqs",
                "eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:q","awsRegion":"us-east-1"}]}""";

        String response = new String(adapter.invoke(event.getBytes(StandardCharsets.UTF_8), CONTEXT),
                StandardCharsets.UTF_8);

        assertThat(response).contains("\"records\":1").contains("\"firstBody\":\"hello\"")
                .contains("\"receiveCount\":\"3\"").contains("\"function\":\"fn\"");
    }

    @Test
    void streamHandlerGetsTheRawBytes() throws Exception {
        HandlerAdapter adapter = HandlerAdapter.load(Echo.class.getName(), getClass().getClassLoader());

        assertThat(new String(adapter.invoke("{\"a\": 1}".getBytes(StandardCharsets.UTF_8), CONTEXT),
                StandardCharsets.UTF_8)).isEqualTo("[{\"a\": 1}]");
    }

    @Test
    void aClassThatIsNoHandlerIsRefused() {
        assertThatThrownBy(() -> HandlerAdapter.load(String.class.getName(), getClass().getClassLoader()))
                .hasMessageContaining("neither RequestStreamHandler nor RequestHandler");
    }

    @Test
    void contextCountsDownToTheDeadline() throws InterruptedException {
        LocalContext context = new LocalContext("r", System.currentTimeMillis() + 1000, "fn", "$LATEST", "arn", "g",
                "s", 128, new PrintStream(OutputStream.nullOutputStream()));
        int first = context.getRemainingTimeInMillis();
        Thread.sleep(50);

        assertThat(first).isBetween(1, 1000);
        assertThat(context.getRemainingTimeInMillis()).isLessThan(first);
        assertThat(context.getAwsRequestId()).isEqualTo("r");
    }
}
