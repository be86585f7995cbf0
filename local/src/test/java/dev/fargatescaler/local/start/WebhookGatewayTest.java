package dev.fargatescaler.local.start;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every request shows on the terminal, those that reach no function too. */
class WebhookGatewayTest {

    @Test
    void aRequestToAnUnknownRouteIsAnswered404AndShown() throws Exception {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        Monitor monitor = new Monitor(new PrintStream(shown, true, StandardCharsets.UTF_8), null);
        try (WebhookGateway gateway = new WebhookGateway(0, List.of(new EventSources.Route("WebhookFunction", "POST",
                "/webhook")), Map.of(), monitor)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.port() + "/webhooks")).POST(
                    HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(404);
        }
        assertThat(shown.toString(StandardCharsets.UTF_8))
                .contains("request  POST /webhooks -> 404: no route (the template's routes: POST /webhook)");
    }
}
