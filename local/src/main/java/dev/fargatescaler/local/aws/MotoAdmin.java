package dev.fargatescaler.local.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

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
     * Stops moto's own ECS task state progression: moto 5.2.1 starts a task RUNNING and, by default, moves it one
     * step towards STOPPED per DescribeTasks call ({@code moto/ecs/models.py}, {@code Task}'s ManagedState;
     * {@code moto/moto_api/__init__.py} registers {@code ecs::task} as {@code manual, times: 1}). Local mode's
     * Fargate simulation says what state each task is in instead, and stops a task in moto when its runner exits.
     * "manual" progression advances after {@code times} DescribeTasks calls
     * ({@code moto/moto_api/_internal/managed_state_model.py}), so a count no session reaches freezes it.
     */
    public void freezeTaskStates() throws IOException {
        ObjectNode body = Json.MAPPER.createObjectNode().put("model_name", "ecs::task");
        body.putObject("transition").put("progression", "manual").put("times", Integer.MAX_VALUE);
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
