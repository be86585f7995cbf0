package dev.fargatescaler.domain.job;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * GitLab writes timestamps in two forms: {@code "2023-01-10 13:50:02 UTC"} (GitLab.com payloads, older
 * instances) and ISO-8601 ({@code *_iso} fields, newer instances, Jobs API). Both are accepted; anything else
 * is treated as absent, because a timestamp is never worth refusing a job for.
 */
public final class GitLabTimestamps {

    private static final DateTimeFormatter LEGACY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private GitLabTimestamps() {
    }

    public static Optional<Instant> parse(String text) {
        if (text == null || text.isBlank() || text.length() > 64) {
            return Optional.empty();
        }
        String value = text.strip();
        try {
            if (value.endsWith(" UTC")) {
                LocalDateTime local = LocalDateTime.parse(value.substring(0, value.length() - 4), LEGACY);
                return Optional.of(local.toInstant(ZoneOffset.UTC));
            }
            // Handles "2021-02-23T02:41:37Z", "...37.886Z" and "...37+01:00".
            return Optional.of(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
