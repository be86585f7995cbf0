package dev.fargatescaler.shared.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Lets SnapStart priming run a real SDK call up to the wire and no further: while {@link #marshalAndSign} runs a
 * call on the current thread, this interceptor (installed on every client by {@link AwsClients}) stops it in
 * {@code beforeTransmission}, i.e. after the request was marshalled, its endpoint resolved and its signature
 * computed, and before any connection is opened. So priming warms that code without side effects and without
 * leaving an open connection in the snapshot. Outside priming it does nothing.
 * https://docs.aws.amazon.com/lambda/latest/dg/snapstart-best-practices.html
 */
public final class PrimingInterceptor implements ExecutionInterceptor {

    static final PrimingInterceptor INSTANCE = new PrimingInterceptor();

    /**
     * Throwaway credentials for priming calls (set per request): signing is warmed without resolving, and so
     * capturing in the snapshot, the function's real credentials.
     */
    public static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAPRIMING", "snapstart-priming"));

    private static final ThreadLocal<Boolean> ACTIVE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private PrimingInterceptor() {
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        if (ACTIVE.get()) {
            throw new NotSent();
        }
    }

    /**
     * Runs {@code call} (one SDK call) so that it is marshalled and signed but not sent.
     *
     * @throws IllegalStateException if the call was not stopped here (it was sent, or failed before signing)
     */
    public static void marshalAndSign(Runnable call) {
        ACTIVE.set(Boolean.TRUE);
        try {
            call.run();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof NotSent) {
                    return;
                }
            }
            throw new IllegalStateException("priming call failed before transmission", e);
        } finally {
            ACTIVE.remove();
        }
        throw new IllegalStateException("priming call was not intercepted: is the client built by AwsClients?");
    }

    /** The marker that stops a priming call; not retryable, so the SDK gives up at once. */
    static final class NotSent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotSent() {
            super("SnapStart priming: request marshalled and signed, not sent", null, false, false);
        }
    }
}
