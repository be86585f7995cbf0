package dev.fargatescaler.domain.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fargatescaler.domain.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample events under {@code events/reporter-*.json} (the same files {@code bin/local invoke} takes) and the AWS
 * documentation's event (test resource {@code fixtures/}).
 */
final class SampleEvents {

    private SampleEvents() {
    }

    static ObjectNode reporter(String name) {
        String root = System.getProperty("project.root", "../..");
        Path path = Path.of(root, "events", "reporter-" + name + ".json");
        try {
            return (ObjectNode) Json.MAPPER.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode awsDocsRunning() {
        try (InputStream in = SampleEvents.class.getResourceAsStream(
                "/fixtures/ecs-task-state-change-running.aws-docs.json")) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TaskStateChange parsed(String name) {
        return TaskStateChangeParser.parse(reporter(name));
    }

    static ObjectNode detail(JsonNode event) {
        return (ObjectNode) event.get("detail");
    }
}
