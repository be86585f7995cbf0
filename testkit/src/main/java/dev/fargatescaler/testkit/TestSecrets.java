package dev.fargatescaler.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The secret values every test uses. They are canaries: the secret-hygiene check at the end of the build
 * (module {@code hygiene}) fails if any of them, or the marker {@link #CANARY}, appears in a log line, a
 * captured SDK request (RunTask, SendMessage…) or a test's output during the whole test run.
 */
public final class TestSecrets {

    /** Present in every plain-text test secret, so that even a new, unregistered one is caught. */
    public static final String CANARY = "c4n4ry";

    public static final String WEBHOOK_TOKEN = "whtok-" + CANARY + "-7f3a91d2e4b8";
    /** Standard Webhooks signing secret: whsec_ + base64 of the key (which itself contains the canary). */
    public static final String SIGNING_SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            ("signkey-" + CANARY + "-0123456789abcdef").getBytes(StandardCharsets.UTF_8));
    public static final String GITLAB_API_TOKEN = "glpat-" + CANARY + "-9b2e61c0d4f7";
    public static final String RUNNER_TOKEN = "glrt-" + CANARY + "-5d8c2a7e1f90";

    private TestSecrets() {
    }

    public static List<String> all() {
        return List.of(WEBHOOK_TOKEN, SIGNING_SECRET, SIGNING_SECRET.substring("whsec_".length()),
                GITLAB_API_TOKEN, RUNNER_TOKEN, CANARY);
    }
}
