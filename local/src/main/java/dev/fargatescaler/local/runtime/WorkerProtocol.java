package dev.fargatescaler.local.runtime;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The pipe between the local runtime (parent) and a function's worker JVM: length-prefixed frames on the
 * worker's stdin and stdout. Only the protocol uses stdout: the worker sends everything the function prints
 * to stderr, where Lambda's log stream would be.
 *
 * <pre>
 * ready:    int READY_MAGIC, boolean initOk (once, when the handler's init phase is over)
 * request:  UTF requestId, long deadlineEpochMillis, int length, byte[length] event
 * response: boolean ok, int length, byte[length] (the response, or Lambda's error JSON when !ok)
 * </pre>
 */
final class WorkerProtocol {

    /**
     * Opens the ready frame: the JVM itself may write to stdout before {@code main} runs (e.g. "Error occurred
     * during initialization of VM / Unable to use AOT cache." goes to stdout, whatever {@code -Xlog} says), and
     * without a marker its first byte would be read as "init ok". Four bytes no JVM message starts with.
     */
    static final int READY_MAGIC = 0x00474C46; // "\0GLF"

    /** Bounds what a broken peer can make us allocate (Lambda's own payload limit is 6 MB). */
    static final int MAX_FRAME = 64 * 1024 * 1024;

    private WorkerProtocol() {
    }

    static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("bad frame length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
