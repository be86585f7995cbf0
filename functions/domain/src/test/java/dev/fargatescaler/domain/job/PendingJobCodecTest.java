package dev.fargatescaler.domain.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.Fixtures;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.json.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PendingJobCodecTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-28T10:00:00.123Z");

    @Test
    void roundTripsEveryField() {
        JobHook hook = JobHookParser.parse(Fixtures.json("job-pending.derived.json"));
        PendingJob job = PendingJob.fromHook(hook, "https://gitlab.example.com", RECEIVED, "idem-1");

        PendingJob read = PendingJobCodec.fromJson(PendingJobCodec.toJson(job));

        assertThat(read).isEqualTo(job);
        assertThat(read.dedupKey()).isEqualTo("idem-1");
        assertThat(read.source()).isEqualTo(PendingJob.SOURCE_WEBHOOK);
        assertThat(read.attempt()).isZero();
    }

    @Test
    void isCompactAndVersioned() throws Exception {
        JobHook hook = JobHookParser.parse(Fixtures.json("job-pending.derived.json"));
        String json = PendingJobCodec.toJson(PendingJob.fromHook(hook, null, RECEIVED, null));

        var node = Json.MAPPER.readTree(json);
        assertThat(node.get("v").intValue()).isEqualTo(PendingJobCodec.VERSION);
        assertThat(node.has("instance")).isFalse();
        assertThat(node.get("dedupKey").textValue()).isEqualTo("380:1977:pending");
        assertThat(json.length()).isLessThan(500);
    }

    @Test
    void nextAttemptKeepsTheReceiptTimeAndCountsUp() {
        JobHook hook = JobHookParser.parse(Fixtures.json("job-pending.derived.json"));
        PendingJob first = PendingJob.fromHook(hook, null, RECEIVED, null);

        PendingJob second = first.nextAttempt().nextAttempt();

        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.receivedAt()).isEqualTo(RECEIVED);
        assertThat(second.source()).isEqualTo(PendingJob.SOURCE_RELAUNCH);
        assertThat(second.jobId()).isEqualTo(first.jobId());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "not json", "[]", "{}", "{\"v\":2,\"projectId\":1,\"jobId\":2}",
            "{\"v\":1,\"projectId\":\"1\",\"jobId\":2,\"receivedAt\":\"2026-11-28T10:00:00Z\",\"dedupKey\":\"k\",\"source\":\"webhook\"}",
            "{\"v\":1,\"projectId\":1,\"jobId\":0,\"receivedAt\":\"2026-11-28T10:00:00Z\",\"dedupKey\":\"k\",\"source\":\"webhook\"}",
            "{\"v\":1,\"projectId\":1,\"jobId\":2,\"receivedAt\":\"yesterday\",\"dedupKey\":\"k\",\"source\":\"webhook\"}",
            "{\"v\":1,\"projectId\":1,\"jobId\":2,\"receivedAt\":\"2026-11-28T10:00:00Z\",\"source\":\"webhook\"}",
            "{\"v\":1,\"projectId\":1,\"jobId\":2,\"receivedAt\":\"2026-11-28T10:00:00Z\",\"dedupKey\":\"k\",\"source\":\"webhook\",\"attempt\":-1}"})
    void anythingElseIsAPermanentMalformedMessage(String body) {
        assertThatThrownBy(() -> PendingJobCodec.fromJson(body))
                .isInstanceOf(PermanentException.class)
                .satisfies(e -> assertThat(((PermanentException) e).reason()).isEqualTo("MalformedMessage"))
                .hasMessageStartingWith("malformed pending-job message");
    }
}
