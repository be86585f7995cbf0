package dev.fargatescaler.local.start;

import dev.fargatescaler.local.cli.UserError;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Finds out at once whether the webhook port is free, before minutes of setup would end on it. */
final class PortCheck {

    private PortCheck() {
    }

    static void requireFree(int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new UserError("port " + port + " on 127.0.0.1 is in use (another bin/local start?): stop it, or "
                    + "serve webhooks elsewhere with --port N (--port 0 picks a free one)");
        }
    }
}
