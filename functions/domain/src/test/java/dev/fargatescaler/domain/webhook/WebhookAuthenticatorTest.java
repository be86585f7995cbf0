package dev.fargatescaler.domain.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.webhook.WebhookAuthenticator.Result;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookAuthenticatorTest {

    static final String TOKEN = "s3cret-webhook-token";
    static final String SIGNING = "whsec_" + Base64.getEncoder().encodeToString(
            "a-32-byte-signing-key-for-tests!".getBytes(StandardCharsets.UTF_8));
    static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final byte[] BODY = "{\"object_kind\":\"build\"}".getBytes(StandardCharsets.UTF_8);

    private static WebhookRequest request(Map<String, String> headers) {
        return new WebhookRequest(headers, BODY, NOW);
    }

    @Test
    void tokenOnly() {
        var auth = new WebhookAuthenticator(() -> TOKEN, null, CLOCK);

        assertThat(auth.authenticate(request(Map.of("X-Gitlab-Token", TOKEN)))).isEqualTo(Result.OK);
        assertThat(auth.authenticate(request(Map.of()))).isEqualTo(Result.MISSING_TOKEN);
        assertThat(auth.authenticate(request(Map.of("x-gitlab-token", "")))).isEqualTo(Result.MISSING_TOKEN);
        assertThat(auth.authenticate(request(Map.of("x-gitlab-token", "wrong")))).isEqualTo(Result.WRONG_TOKEN);
        // Prefixes, suffixes and case variants of the real token are all wrong.
        assertThat(auth.authenticate(request(Map.of("x-gitlab-token", TOKEN.substring(0, 5))))).isEqualTo(Result.WRONG_TOKEN);
        assertThat(auth.authenticate(request(Map.of("x-gitlab-token", TOKEN + "x")))).isEqualTo(Result.WRONG_TOKEN);
        assertThat(auth.authenticate(request(Map.of("x-gitlab-token", TOKEN.toUpperCase())))).isEqualTo(Result.WRONG_TOKEN);
        // A duplicated header arrives comma-joined from API Gateway and is wrong too.
        assertThat(auth.authenticate(request(Map.of("x-gitlab-token", TOKEN + "," + TOKEN)))).isEqualTo(Result.WRONG_TOKEN);
    }

    @Test
    void anEmptyConfiguredTokenNeverMatches() {
        var auth = new WebhookAuthenticator(() -> "", null, CLOCK);
        assertThat(auth.authenticate(request(Map.of("x-gitlab-token", "")))).isEqualTo(Result.MISSING_TOKEN);
        assertThat(auth.authenticate(request(Map.of("x-gitlab-token", "a")))).isEqualTo(Result.WRONG_TOKEN);
    }

    @Test
    void signedWebhooksFollowStandardWebhooks() {
        var auth = new WebhookAuthenticator(null, () -> SIGNING, CLOCK);
        String timestamp = Long.toString(NOW.getEpochSecond());
        String signature = WebhookAuthenticator.sign(SIGNING, "msg_1", timestamp, BODY);

        assertThat(auth.authenticate(request(signed("msg_1", timestamp, signature)))).isEqualTo(Result.OK);
        // Several signatures (key rotation): one valid is enough.
        assertThat(auth.authenticate(request(signed("msg_1", timestamp, "v1,AAAA " + signature)))).isEqualTo(Result.OK);
        // Another id, body or timestamp than what was signed.
        assertThat(auth.authenticate(request(signed("msg_2", timestamp, signature)))).isEqualTo(Result.BAD_SIGNATURE);
        assertThat(auth.authenticate(new WebhookRequest(signed("msg_1", timestamp, signature), "{}".getBytes(), NOW)))
                .isEqualTo(Result.BAD_SIGNATURE);
        String otherTime = Long.toString(NOW.getEpochSecond() - 1);
        assertThat(auth.authenticate(request(signed("msg_1", otherTime, signature)))).isEqualTo(Result.BAD_SIGNATURE);
        // Garbage.
        assertThat(auth.authenticate(request(signed("msg_1", timestamp, "v1,!!!")))).isEqualTo(Result.BAD_SIGNATURE);
        assertThat(auth.authenticate(request(signed("msg_1", timestamp, "v2," + signature.substring(3)))))
                .isEqualTo(Result.BAD_SIGNATURE);
        assertThat(auth.authenticate(request(signed("msg_1", "soon", signature)))).isEqualTo(Result.BAD_SIGNATURE);
        assertThat(auth.authenticate(request(Map.of("webhook-id", "msg_1")))).isEqualTo(Result.MISSING_SIGNATURE);
    }

    @Test
    void staleAndFutureTimestampsAreRefusedEvenWithAValidSignature() {
        var auth = new WebhookAuthenticator(null, () -> SIGNING, CLOCK);
        for (long offset : new long[] {-301, 301, -86_400}) {
            String timestamp = Long.toString(NOW.getEpochSecond() + offset);
            String signature = WebhookAuthenticator.sign(SIGNING, "msg_1", timestamp, BODY);
            assertThat(auth.authenticate(request(signed("msg_1", timestamp, signature))))
                    .as("offset %d s", offset).isEqualTo(Result.STALE_TIMESTAMP);
        }
        String edge = Long.toString(NOW.getEpochSecond() - 300);
        assertThat(auth.authenticate(request(signed("msg_1", edge, WebhookAuthenticator.sign(SIGNING, "msg_1", edge, BODY)))))
                .isEqualTo(Result.OK);
    }

    @Test
    void tokenAndSignatureBothRequiredWhenBothConfigured() {
        var auth = new WebhookAuthenticator(() -> TOKEN, () -> SIGNING, CLOCK);
        String timestamp = Long.toString(NOW.getEpochSecond());
        Map<String, String> headers = new HashMap<>(signed("m", timestamp, WebhookAuthenticator.sign(SIGNING, "m", timestamp, BODY)));

        assertThat(auth.authenticate(request(headers))).isEqualTo(Result.MISSING_TOKEN);
        headers.put("x-gitlab-token", TOKEN);
        assertThat(auth.authenticate(request(headers))).isEqualTo(Result.OK);
        headers.remove("webhook-signature");
        assertThat(auth.authenticate(request(headers))).isEqualTo(Result.MISSING_SIGNATURE);
    }

    @Test
    void aMalformedSigningSecretIsAConfigurationErrorThatDoesNotRevealIt() {
        var auth = new WebhookAuthenticator(null, () -> "whsec_not*base64", CLOCK);
        String timestamp = Long.toString(NOW.getEpochSecond());
        assertThatThrownBy(() -> auth.authenticate(request(signed("m", timestamp, "v1,AAAA"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageNotContaining("not*base64");
    }

    @Test
    void refusesToBeBuiltWithoutAnyCredential() {
        assertThatThrownBy(() -> new WebhookAuthenticator(null, null, CLOCK))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, String> signed(String id, String timestamp, String signature) {
        return Map.of("webhook-id", id, "webhook-timestamp", timestamp, "webhook-signature", signature);
    }
}
