package dev.fargatescaler.local.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * moto_server's own admin API (not AWS's): settings that make the emulator behave more like AWS for local mode.
 * http://docs.getmoto.org/en/latest/docs/configuration/state_transition/index.html
 */
public final class MotoAdmin {

    private final URI endpoint;

    public MotoAdmin(URI endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Makes moto's ECS tasks change state with time, one state per {@code step}, rather than one per
     * DescribeTasks call (moto's default): the scaler's and the sweeper's own DescribeTasks calls would otherwise
     * rush tasks to STOPPED before anyone saw them run.
     */
    public void taskStatesChangeEvery(Duration step) throws IOException {
        ObjectNode body = Json.MAPPER.createObjectNode().put("model_name", "ecs::task");
        body.putObject("transition").put("progression", "time").put("seconds", Math.max(1, step.toSeconds()));
        post("/moto-api/state-manager/set-transition", Json.MAPPER.writeValueAsString(body));
    }

    private void post(String path, String json) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection();
        try {
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(10_000);
            connection.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = connection.getOutputStream()) {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
            int status = connection.getResponseCode();
            if (status >= 300) {
                throw new IOException("moto_server refused " + path + ": HTTP " + status);
            }
        } finally {
            connection.disconnect();
        }
    }
}
