package dev.fargatescaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.local.runtime.FunctionWorker;
import dev.fargatescaler.testkit.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.regions.Region;

/**
 * Every file of {@code events/} works with {@code bin/local invoke} out of the box, and answers what
 * events/README.md says: the README's table "Every sample event and its answer" is read here, each row's event is
 * invoked as the command does it (same setup: template resources, local environments, the GitLab double fed
 * with the event's GitLab data), and the answer must contain the row's JSON. A file in events/ that is neither
 * in that table nor listed as a data file fails the test.
 */
class SampleEventsTest {

    /** {@code | `file.json` | `Function` | `{...}` |} */
    private static final Pattern ANSWER_ROW = Pattern.compile("^\\| `([^`]+\\.json)` \\| `(\\w+)` \\| `(\\{.*\\})` \\|");
    /** {@code | `file.json` | data ...} */
    private static final Pattern DATA_ROW = Pattern.compile("^\\| `([^`]+\\.json)` \\| data");

    private record Row(String file, String function, String answer) {
    }

    private static MotoServer moto;

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopMoto() {
        moto.close();
    }

    @BeforeEach
    void reset() {
        moto.reset();
    }

    private static List<Row> answerRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(ProjectFiles.event("README.md"))) {
            Matcher m = ANSWER_ROW.matcher(line);
            if (m.find()) {
                rows.add(new Row(m.group(1), m.group(2), m.group(3)));
            }
        }
        return rows;
    }

    private static Set<String> dataFiles() throws IOException {
        Set<String> files = new LinkedHashSet<>();
        for (String line : Files.readAllLines(ProjectFiles.event("README.md"))) {
            Matcher m = DATA_ROW.matcher(line);
            if (m.find()) {
                files.add(m.group(1));
            }
        }
        return files;
    }

    @Test
    void everyFileInEventsHasAnAnswerOrIsADataFile() throws IOException {
        Set<String> described = new LinkedHashSet<>(dataFiles());
        answerRows().forEach(r -> described.add(r.file()));
        List<String> files;
        try (Stream<Path> list = Files.list(ProjectFiles.root().resolve("events"))) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }

        assertThat(answerRows()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(described).as("events/README.md: every file of events/ needs a row, in the answers table or "
                + "as a data file").containsAll(files);
        assertThat(files).as("rows of events/README.md for files that do not exist").containsAll(described);
    }

    @TestFactory
    Stream<DynamicTest> everySampleEventAnswersWhatTheReadmeSays() throws IOException {
        return answerRows().stream().map(row -> DynamicTest.dynamicTest(row.file() + " -> " + row.function(), () -> {
            moto.reset();
            Path event = ProjectFiles.event(row.file());
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            FunctionWorker.Result result = InvokeCommand.invoke(ProjectFiles.root(), new InvokeCommand.Options(
                            row.function(), InvokeCommand.readEvent(event.toString()), EnvVarsFile.NONE, Map.of(),
                            InvokeCommand.eventGitLabData(event)), moto.endpoint(), Region.US_EAST_1,
                    new PrintStream(log, true, StandardCharsets.UTF_8), ProjectFiles.functionLog());

            assertThat(result.ok()).as(result.payloadText() + "\n" + log).isTrue();
            JsonNode actual = Json.MAPPER.readTree(result.payload());
            List<String> mismatches = new ArrayList<>();
            contains(Json.MAPPER.readTree(row.answer()), actual, "$", mismatches);
            assertThat(mismatches).as("answer of %s: %s", row.file(), actual).isEmpty();
        }));
    }

    /**
     * Whether {@code actual} holds everything {@code expected} says: objects field by field (a text field holding
     * JSON, like an API Gateway response's body, is compared as that JSON), arrays element by element and of the
     * same length, numbers by value.
     */
    static void contains(JsonNode expected, JsonNode actual, String path, List<String> mismatches) {
        if (actual != null && actual.isTextual() && (expected.isObject() || expected.isArray())) {
            try {
                actual = Json.MAPPER.readTree(actual.textValue());
            } catch (IOException e) {
                mismatches.add(path + ": expected JSON, got " + actual);
                return;
            }
        }
        if (actual == null || actual.isMissingNode()) {
            mismatches.add(path + ": missing, expected " + expected);
        } else if (expected.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                contains(field.getValue(), actual.get(field.getKey()), path + "." + field.getKey(), mismatches);
            }
        } else if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                mismatches.add(path + ": expected " + expected + ", got " + actual);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                contains(expected.get(i), actual.get(i), path + "[" + i + "]", mismatches);
            }
        } else if (expected.isNumber()) {
            if (!actual.isNumber() || new BigDecimal(actual.asText()).compareTo(new BigDecimal(expected.asText())) != 0) {
                mismatches.add(path + ": expected " + expected + ", got " + actual);
            }
        } else if (!expected.equals(actual)) {
            mismatches.add(path + ": expected " + expected + ", got " + actual);
        }
    }

    @Test
    void theComparisonCanFail() throws IOException {
        List<String> mismatches = new ArrayList<>();
        contains(Json.MAPPER.readTree("{\"statusCode\":202,\"body\":{\"status\":\"queued\"},\"a\":[1]}"),
                Json.MAPPER.readTree("{\"statusCode\":200,\"body\":\"{\\\"status\\\":\\\"ignored\\\"}\",\"a\":[1,2]}"),
                "$", mismatches);
        assertThat(mismatches).hasSize(3);
    }
}
