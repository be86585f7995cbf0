package dev.fargatescaler.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The cold-start baseline: the smallest useful Lambda handler (reads the event, answers 200), no libraries. */
public final class HelloHandler implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        int length = input.readAllBytes().length;
        output.write(("{\"statusCode\":200,\"body\":\"hello, " + length + " bytes\"}").getBytes(StandardCharsets.UTF_8));
    }
}
