package dev.fargatescaler.domain.webhook;

import dev.fargatescaler.domain.errors.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates a GitLab webhook delivery by its secret token, its signature, or both (whichever are configured).
 *
 * <ul>
 *   <li>{@code X-Gitlab-Token} is sent in plain text: compared in constant time
 *       ({@link MessageDigest#isEqual}) so that response timing reveals nothing about how much of a guess was
 *       right.</li>
 *   <li>Signed webhooks follow the Standard Webhooks format (https://www.standardwebhooks.com/):
 *       {@code webhook-signature} holds one or more space-separated {@code v1,<base64 HMAC-SHA256>} over
 *       {@code id + "." + timestamp + "." + body}, keyed with the base64-decoded part of the {@code whsec_}
 *       secret. The timestamp must be within {@link #TIMESTAMP_TOLERANCE} of now, which bounds replays.</li>
 * </ul>
 * Every failure gives the same answer to the caller; only the metric and log reason differ.
 */
public final class WebhookAuthenticator {

    public static final Duration TIMESTAMP_TOLERANCE = Duration.ofMinutes(5);
    private static final String SIGNING_SECRET_PREFIX = "whsec_";
    /** Bounds the work an attacker can cause with a huge signature header. */
    private static final int MAX_SIGNATURES = 8;

    /** Why authentication failed, or OK. */
    public enum Result {
        OK, MISSING_TOKEN, WRONG_TOKEN, MISSING_SIGNATURE, BAD_SIGNATURE, STALE_TIMESTAMP;

        public String metricReason() {
            return switch (this) {
                case OK -> "Ok";
                case MISSING_TOKEN -> "MissingToken";
                case WRONG_TOKEN -> "WrongToken";
                case MISSING_SIGNATURE -> "MissingSignature";
                case BAD_SIGNATURE -> "BadSignature";
                case STALE_TIMESTAMP -> "StaleTimestamp";
            };
        }
    }

    private final Supplier<String> token;
    private final Supplier<String> signingSecret;
    private final Clock clock;

    /**
     * @param token         supplies the expected {@code X-Gitlab-Token}, or null when token checks are off
     * @param signingSecret supplies the {@code whsec_…} signing secret, or null when signatures are off
     */
    public WebhookAuthenticator(Supplier<String> token, Supplier<String> signingSecret, Clock clock) {
        if (token == null && signingSecret == null) {
            throw new IllegalArgumentException("at least one of the token and the signing secret is required");
        }
        this.token = token;
        this.signingSecret = signingSecret;
        this.clock = Objects.requireNonNull(clock);
    }

    public Result authenticate(WebhookRequest request) {
        if (token != null) {
            String presented = request.header("x-gitlab-token");
            if (presented == null || presented.isEmpty()) {
                return Result.MISSING_TOKEN;
            }
            if (!constantTimeEquals(presented, token.get())) {
                return Result.WRONG_TOKEN;
            }
        }
        if (signingSecret != null) {
            return verifySignature(request);
        }
        return Result.OK;
    }

    private Result verifySignature(WebhookRequest request) {
        String id = request.header("webhook-id");
        String timestamp = request.header("webhook-timestamp");
        String signatures = request.header("webhook-signature");
        if (id == null || timestamp == null || signatures == null || id.isEmpty() || signatures.isEmpty()) {
            return Result.MISSING_SIGNATURE;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return Result.BAD_SIGNATURE;
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > TIMESTAMP_TOLERANCE.toSeconds()) {
            return Result.STALE_TIMESTAMP;
        }
        byte[] expected = hmac(keyOf(signingSecret.get()), id, timestamp.strip(), request.body());
        String[] candidates = signatures.strip().split("\\s+");
        int checked = 0;
        boolean match = false;
        for (String candidate : candidates) {
            if (++checked > MAX_SIGNATURES) {
                break;
            }
            if (!candidate.startsWith("v1,")) {
                continue;
            }
            byte[] presented;
            try {
                presented = Base64.getDecoder().decode(candidate.substring(3));
            } catch (IllegalArgumentException e) {
                continue;
            }
            // No early exit: every candidate is compared, in constant time.
            match |= MessageDigest.isEqual(expected, presented);
        }
        return match ? Result.OK : Result.BAD_SIGNATURE;
    }

    /** Computes the {@code v1,…} signature; public for tests and for the local mode's request signer. */
    public static String sign(String signingSecret, String id, String timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(keyOf(signingSecret), id, timestamp, body));
    }

    private static byte[] keyOf(String signingSecret) {
        String encoded = signingSecret.startsWith(SIGNING_SECRET_PREFIX)
                ? signingSecret.substring(SIGNING_SECRET_PREFIX.length())
                : signingSecret;
        try {
            return Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException e) {
            // Never include the value: it is the secret.
            throw new ConfigurationException("InvalidSigningSecret",
                    "the webhook signing secret is not whsec_ followed by base64");
        }
    }

    private static byte[] hmac(byte[] key, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static boolean constantTimeEquals(String presented, String expected) {
        if (expected == null || expected.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }
}
