package dev.fargatescaler.shared.config;

import java.net.URI;
import java.time.Duration;

/**
 * The GitLab API settings shared by the functions that call GitLab (scaler, reporter, sweeper).
 *
 * @param url         {@code GITLAB_URL}: the instance's base URL (never a URL taken from a webhook)
 * @param tokenSecret {@code GITLAB_TOKEN_SECRET}: reference to a {@code read_api} token ({@code ssm:/path} or a
 *                    Secrets Manager name/ARN)
 * @param timeout     {@code GITLAB_TIMEOUT_SECONDS} (default 5): per request
 */
public record GitLabSettings(URI url, String tokenSecret, Duration timeout) {

    /** Reads the three variables, reporting problems into {@code env} (call {@link EnvReader#validate()}). */
    public static GitLabSettings read(EnvReader env) {
        String url = env.required("GITLAB_URL");
        URI gitLabUrl = null;
        if (url != null) {
            try {
                gitLabUrl = URI.create(url);
                if (gitLabUrl.getHost() == null || !("https".equals(gitLabUrl.getScheme())
                        || "http".equals(gitLabUrl.getScheme())) || gitLabUrl.getRawQuery() != null
                        || gitLabUrl.getUserInfo() != null) {
                    throw new IllegalArgumentException("not a base URL");
                }
            } catch (IllegalArgumentException e) {
                gitLabUrl = null;
                env.problem("GITLAB_URL must be the GitLab base URL such as https://gitlab.example.com, got \""
                        + url + "\"");
            }
        }
        String token = env.required("GITLAB_TOKEN_SECRET");
        Duration timeout = env.seconds("GITLAB_TIMEOUT_SECONDS", Duration.ofSeconds(5), 1, 30);
        return new GitLabSettings(gitLabUrl, token, timeout);
    }
}
