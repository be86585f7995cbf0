package dev.fargatescaler.domain.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.Fixtures;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobHookParserTest {

    @Test
    void parsesTheDocumentedPendingPayload() {
        JobHook hook = JobHookParser.parse(Fixtures.json("job-pending.derived.json"));

        assertThat(hook.jobId()).isEqualTo(1977);
        assertThat(hook.status()).isEqualTo("pending");
        assertThat(hook.isPending()).isTrue();
        assertThat(hook.projectId()).isEqualTo(380);
        assertThat(hook.projectPath()).isEqualTo("gitlab-org/gitlab-test");
        assertThat(hook.jobName()).isEqualTo("test");
        assertThat(hook.stage()).isEqualTo("test");
        assertThat(hook.ref()).isEqualTo("gitlab-script-trigger");
        assertThat(hook.pipelineId()).isEqualTo(2366L);
        assertThat(hook.sha()).isEqualTo("2293ada6b400935a1378653304eaf6221e0fdb8f");
        assertThat(hook.retriesCount()).isEqualTo(2);
        // The *_iso field wins over the older field when both are present.
        assertThat(hook.createdAt()).isEqualTo(Instant.parse("2021-02-23T02:41:37Z"));
    }

    @Test
    void parsesARealGitLabComPayloadWithLegacyTimestampsAndNoProjectObject() {
        JobHook hook = JobHookParser.parse(Fixtures.json("job-success.gitlab-com-2023.json"));

        assertThat(hook.jobId()).isEqualTo(3580121225L);
        assertThat(hook.status()).isEqualTo("success");
        assertThat(hook.projectId()).isEqualTo(31537070L);
        assertThat(hook.projectPath()).isEqualTo("John Smith / release-tools-fake");
        assertThat(hook.createdAt()).isEqualTo(Instant.parse("2023-01-10T13:50:02Z"));
        assertThat(hook.retriesCount()).isEqualTo(1);
    }

    @Test
    void toleratesOlderPayloadsThatOmitOptionalKeys() {
        ObjectNode node = Fixtures.json("job-pending.derived.json");
        for (String key : new String[] {"pipeline_id", "retries_count", "project", "build_created_at_iso",
                "source_pipeline", "environment", "project_name", "build_created_at"}) {
            node.remove(key);
        }
        JobHook hook = JobHookParser.parse(node);

        assertThat(hook.jobId()).isEqualTo(1977);
        assertThat(hook.pipelineId()).isNull();
        assertThat(hook.retriesCount()).isNull();
        assertThat(hook.projectPath()).isNull();
        assertThat(hook.createdAt()).isNull();
    }

    @Test
    void toleratesNewerPayloadsWithUnknownKeys() {
        ObjectNode node = Fixtures.json("job-pending.derived.json");
        node.putObject("some_future_field").put("nested", true);
        node.put("build_created_at_iso", "not a date");

        JobHook hook = JobHookParser.parse(node);

        assertThat(hook.jobId()).isEqualTo(1977);
        // An unreadable *_iso timestamp falls back to the other form.
        assertThat(hook.createdAt()).isEqualTo(Instant.parse("2021-02-23T02:41:37.886Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"object_kind", "build_id", "build_status", "project_id"})
    void aMissingRequiredFieldIsNamedInTheError(String field) {
        ObjectNode node = Fixtures.json("job-pending.derived.json");
        node.remove(field);

        assertThatThrownBy(() -> JobHookParser.parse(node))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("missing required field " + field);
    }

    @Test
    void wronglyTypedIdentifiersAreRefused() {
        ObjectNode node = Fixtures.json("job-pending.derived.json");
        node.put("build_id", "1977");
        assertThatThrownBy(() -> JobHookParser.parse(node)).hasMessage("field build_id must be a positive integer");

        node.put("build_id", 1977.5);
        assertThatThrownBy(() -> JobHookParser.parse(node)).hasMessage("field build_id must be a positive integer");

        node.put("build_id", new java.math.BigInteger("99999999999999999999999"));
        assertThatThrownBy(() -> JobHookParser.parse(node)).hasMessage("field build_id must be a positive integer");

        node.put("build_id", -5);
        assertThatThrownBy(() -> JobHookParser.parse(node)).hasMessage("field build_id must be a positive integer");

        node.put("build_id", 7);
        node.put("build_status", 3);
        assertThatThrownBy(() -> JobHookParser.parse(node)).hasMessage("field build_status must be a string");
    }

    @Test
    void aNonObjectBodyIsRefused() throws Exception {
        var array = dev.fargatescaler.domain.json.Json.MAPPER.readTree("[1,2]");
        assertThatThrownBy(() -> JobHookParser.parse(array)).hasMessage("body must be a JSON object");
    }
}
