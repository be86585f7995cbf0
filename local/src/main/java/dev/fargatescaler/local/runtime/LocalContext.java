package dev.fargatescaler.local.runtime;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The Lambda {@link Context} of one local invocation: the values the Lambda Java runtime would give, derived
 * from the same reserved environment variables Lambda sets ({@code AWS_LAMBDA_FUNCTION_NAME},
 * {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}, ...). The remaining time counts down to the function's timeout,
 * which the local runtime enforces.
 * https://docs.aws.amazon.com/lambda/latest/dg/java-context.html
 */
public final class LocalContext implements Context {

    private final String requestId;
    private final long deadlineEpochMillis;
    private final String functionName;
    private final String functionVersion;
    private final String invokedFunctionArn;
    private final String logGroupName;
    private final String logStreamName;
    private final int memoryLimitMb;
    private final LambdaLogger logger;

    public LocalContext(String requestId, long deadlineEpochMillis, String functionName, String functionVersion,
                        String invokedFunctionArn, String logGroupName, String logStreamName, int memoryLimitMb,
                        PrintStream log) {
        this.requestId = requestId;
        this.deadlineEpochMillis = deadlineEpochMillis;
        this.functionName = functionName;
        this.functionVersion = functionVersion;
        this.invokedFunctionArn = invokedFunctionArn;
        this.logGroupName = logGroupName;
        this.logStreamName = logStreamName;
        this.memoryLimitMb = memoryLimitMb;
        this.logger = new StreamLogger(log);
    }

    /** The context for an invocation in this process, described by Lambda's reserved environment variables. */
    public static LocalContext fromEnvironment(String requestId, long deadlineEpochMillis, PrintStream log) {
        String name = env("AWS_LAMBDA_FUNCTION_NAME", "local-function");
        String version = env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        String region = env("AWS_REGION", "us-east-1");
        String account = env("LOCAL_ACCOUNT_ID", "123456789012");
        int memory;
        try {
            memory = Integer.parseInt(env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"));
        } catch (NumberFormatException e) {
            memory = 512;
        }
        return new LocalContext(requestId, deadlineEpochMillis, name, version,
                "arn:aws:lambda:" + region + ":" + account + ":function:" + name,
                env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name),
                env("AWS_LAMBDA_LOG_STREAM_NAME", "local/[" + version + "]" + name),
                memory, log);
    }

    private static String env(String name, String defaultValue) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? defaultValue : value;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return logGroupName;
    }

    @Override
    public String getLogStreamName() {
        return logStreamName;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return functionVersion;
    }

    @Override
    public String getInvokedFunctionArn() {
        return invokedFunctionArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, deadlineEpochMillis - System.currentTimeMillis()));
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryLimitMb;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    /** Lambda's logger writes to the function's log stream; locally that is the worker's stderr. */
    private static final class StreamLogger implements LambdaLogger {
        private final PrintStream out;

        StreamLogger(PrintStream out) {
            this.out = out;
        }

        @Override
        public void log(String message) {
            out.print(message);
            out.flush();
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }
    }
}
