package dev.fargatescaler.domain.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.Fixtures;
import dev.fargatescaler.domain.json.Json;
import java.io.IOException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The parser either returns a hook or refuses with a short message: never any other exception. */
class JobHookParserPropertiesTest {

    private static final String[] FIELDS = {"object_kind", "build_id", "build_status", "project_id", "pipeline_id",
            "retries_count", "project", "build_created_at", "build_created_at_iso", "ref", "sha", "build_name"};

    @Property(tries = 500)
    void arbitraryBytesNeverCrashTheParser(@ForAll byte[] body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return; // the intake answers 400 for this; covered by WebhookIntakeTest
        }
        assertParsesOrRefusesCleanly(root);
    }

    @Property(tries = 1000)
    void mutatedRealPayloadsAreParsedOrRefusedCleanly(@ForAll("mutations") ObjectNode mutated) {
        assertParsesOrRefusesCleanly(mutated);
    }

    @Provide
    Arbitrary<ObjectNode> mutations() {
        Arbitrary<JsonNode> values = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(s -> Json.MAPPER.getNodeFactory().textNode(s)),
                Arbitraries.longs().map(l -> Json.MAPPER.getNodeFactory().numberNode(l)),
                Arbitraries.doubles().map(d -> Json.MAPPER.getNodeFactory().numberNode(d)),
                Arbitraries.bigIntegers().between(new java.math.BigInteger("-1" + "0".repeat(30)),
                        new java.math.BigInteger("1" + "0".repeat(30))).map(b -> Json.MAPPER.getNodeFactory().numberNode(b)),
                Arbitraries.of(Json.MAPPER.getNodeFactory().nullNode(), Json.MAPPER.getNodeFactory().booleanNode(true),
                        Json.MAPPER.createArrayNode(), Json.MAPPER.createObjectNode()));
        return Arbitraries.of(FIELDS).list().ofMaxSize(5).flatMap(fields ->
                values.list().ofSize(fields.size()).map(vals -> {
                    ObjectNode node = Fixtures.json("job-pending.derived.json");
                    for (int i = 0; i < fields.size(); i++) {
                        if (vals.get(i).isNull() && i % 2 == 0) {
                            node.remove(fields.get(i));
                        } else {
                            node.set(fields.get(i), vals.get(i));
                        }
                    }
                    return node;
                }));
    }

    private static void assertParsesOrRefusesCleanly(JsonNode root) {
        try {
            JobHook hook = JobHookParser.parse(root);
            assertThat(hook.jobId()).isPositive();
            assertThat(hook.projectId()).isPositive();
            assertThat(hook.status()).isNotNull();
        } catch (MalformedPayloadException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(120);
        }
    }
}
