package dev.fargatescaler.shared.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Runs an invocation inside Powertools' functional logging scope (request id, cold start, function name on
 * every log line; no AspectJ). Without a Lambda context (unit tests, benchmarks) the body simply runs.
 */
public final class LambdaLogging {

    private LambdaLogging() {
    }

    public static <T> T withLogging(Context context, Supplier<T> body) {
        if (context == null) {
            return body.get();
        }
        return PowertoolsLogging.withLogging(context, body);
    }
}
