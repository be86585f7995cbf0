package dev.fargatescaler.local.runtime;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A function's execution environment: a JVM started with the function's environment variables and its code,
 * which creates the handler once (Lambda's init phase) and then serves invocations from its parent until
 * stdin closes. Prints START/END/REPORT lines on stderr like Lambda's log stream.
 *
 * <p>Usage: {@code java -cp <function jar>:<local runtime> dev.fargatescaler.local.runtime.WorkerMain <Handler>}
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: WorkerMain <pkg.Class::method>");
            System.exit(2);
        }
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        // Everything the function prints is a log line (Lambda sends stdout to CloudWatch Logs), never the
        // response: redirect before the handler's class (and its logging framework) is loaded.
        PrintStream log = System.err;
        System.setOut(log);

        HandlerAdapter handler = null;
        Throwable initError = null;
        long initStart = System.nanoTime();
        try {
            handler = HandlerAdapter.load(args[0], WorkerMain.class.getClassLoader());
        } catch (Throwable e) {
            initError = e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null
                    ? ite.getCause() : e;
            log.println("INIT_ERROR " + initError);
        }
        double initMillis = (System.nanoTime() - initStart) / 1e6;
        // Init is over (even when it failed): the parent starts the function's timeout from here, as Lambda
        // counts the timeout from the invocation, not from the environment's start.
        out.writeInt(WorkerProtocol.READY_MAGIC);
        out.writeBoolean(initError == null);
        out.flush();

        while (true) {
            String requestId;
            try {
                requestId = in.readUTF();
            } catch (EOFException e) {
                return; // the parent closed the pipe: the environment is shut down
            }
            long deadline = in.readLong();
            byte[] event = WorkerProtocol.readBytes(in);
            log.println("START RequestId: " + requestId + " Version: $LATEST");
            long start = System.nanoTime();
            boolean ok;
            byte[] response;
            if (initError != null) {
                ok = false;
                response = errorJson(initError).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } else {
                try {
                    response = handler.invoke(event, LocalContext.fromEnvironment(requestId, deadline, log));
                    ok = true;
                } catch (Throwable e) {
                    ok = false;
                    response = errorJson(e).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    log.println(errorJson(e));
                }
            }
            double millis = (System.nanoTime() - start) / 1e6;
            Runtime rt = Runtime.getRuntime();
            log.println("END RequestId: " + requestId);
            log.println(String.format(Locale.ROOT,
                    "REPORT RequestId: %s\tDuration: %.2f ms\tMemory Size: %s MB\tMax Memory Used: %d MB%s",
                    requestId, millis, System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "?"),
                    (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024),
                    initMillis > 0 ? String.format(Locale.ROOT, "\tInit Duration: %.2f ms", initMillis) : ""));
            initMillis = 0;
            log.flush();
            out.writeBoolean(ok);
            WorkerProtocol.writeBytes(out, response);
            out.flush();
        }
    }

    /** The error document Lambda returns for an unhandled exception. */
    static String errorJson(Throwable e) {
        StringBuilder json = new StringBuilder("{\"errorMessage\":").append(quote(String.valueOf(e.getMessage())))
                .append(",\"errorType\":").append(quote(e.getClass().getName())).append(",\"stackTrace\":[");
        StackTraceElement[] trace = e.getStackTrace();
        for (int i = 0; i < Math.min(trace.length, 20); i++) {
            json.append(i == 0 ? "" : ",").append(quote(trace[i].toString()));
        }
        return json.append("]}").toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

}
