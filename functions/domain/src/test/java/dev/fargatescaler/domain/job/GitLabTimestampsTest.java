package dev.fargatescaler.domain.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GitLabTimestampsTest {

    @ParameterizedTest
    @CsvSource({
            "2023-01-10 13:50:02 UTC, 2023-01-10T13:50:02Z",
            "2021-02-23T02:41:37Z, 2021-02-23T02:41:37Z",
            "2021-02-23T02:41:37.886Z, 2021-02-23T02:41:37.886Z",
            "2021-02-23T03:41:37+01:00, 2021-02-23T02:41:37Z"})
    void readsBothForms(String text, String expected) {
        assertThat(GitLabTimestamps.parse(text)).contains(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "yesterday", "2023-13-10 13:50:02 UTC", "2023-01-10 13:50:02 CET",
            "1673358602"})
    void anythingElseIsAbsent(String text) {
        assertThat(GitLabTimestamps.parse(text)).isEmpty();
    }
}
