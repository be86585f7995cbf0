package dev.fargatescaler.local.start;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.local.runtime.FunctionWorker;
import dev.fargatescaler.testkit.template.CfnYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/** The event-source semantics local mode emulates: batch item failures, EventBridge patterns, schedules. */
class EventSourcesTest {

    private static final List<Message> BATCH = List.of(Message.builder().messageId("a").build(),
            Message.builder().messageId("b").build(), Message.builder().messageId("c").build());

    private static FunctionWorker.Result answer(String json) {
        return new FunctionWorker.Result("r", true, json.getBytes(StandardCharsets.UTF_8), Duration.ZERO);
    }

    @Test
    void onlyTheNamedMessagesStayInTheQueue() throws IOException {
        assertThat(SqsEventSource.failedIds(answer("{\"batchItemFailures\":[{\"itemIdentifier\":\"b\"}]}"), BATCH))
                .containsExactly("b");
        assertThat(SqsEventSource.failedIds(answer("{\"batchItemFailures\":[]}"), BATCH)).isEmpty();
        assertThat(SqsEventSource.failedIds(answer("null"), BATCH)).isEmpty();
    }

    @Test
    void anUnknownOrEmptyIdentifierFailsTheWholeBatchAsInLambda() throws IOException {
        assertThat(SqsEventSource.failedIds(answer("{\"batchItemFailures\":[{\"itemIdentifier\":\"zzz\"}]}"), BATCH))
                .isEqualTo(Set.of("a", "b", "c"));
        assertThat(SqsEventSource.failedIds(answer("{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}"), BATCH))
                .isEqualTo(Set.of("a", "b", "c"));
    }

    @Test
    void eventBridgePatternsMatchLikeTheReportersRule() throws IOException {
        Object pattern = CfnYaml.parse("""
                source: [aws.ecs]
                detail-type: [ECS Task State Change]
                detail:
                  clusterArn: [{prefix: "arn:aws:ecs:us-east-1:123456789012:cluster/glfs-"}]
                  group: [{prefix: "glfs:"}]
                """);
        JsonNode ours = Json.MAPPER.readTree("""
                {"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{
                 "clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/glfs-dev","group":"glfs:dev"}}""");
        JsonNode foreignGroup = Json.MAPPER.readTree("""
                {"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{
                 "clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/glfs-dev","group":"service:web"}}""");
        JsonNode otherCluster = Json.MAPPER.readTree("""
                {"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{
                 "clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/other","group":"glfs:dev"}}""");
        JsonNode noGroup = Json.MAPPER.readTree("""
                {"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{
                 "clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/glfs-dev"}}""");

        assertThat(EcsTaskEvents.matches(pattern, ours)).isTrue();
        assertThat(EcsTaskEvents.matches(pattern, foreignGroup)).isFalse();
        assertThat(EcsTaskEvents.matches(pattern, otherCluster)).isFalse();
        assertThat(EcsTaskEvents.matches(pattern, noGroup)).isFalse();
        assertThat(EcsTaskEvents.matches(CfnYaml.parse("source: [aws.events]"), ours)).isFalse();
    }

    @Test
    void wildcardAndAccountPatternsMatchLikeTheReportersCrossAccountRule() throws IOException {
        Object pattern = CfnYaml.parse("""
                account: ["123456789012", "210987654321"]
                detail:
                  clusterArn: [{wildcard: "arn:aws:ecs:us-east-1:*:cluster/glfs-*"}]
                """);
        String event = "{\"account\":\"%s\",\"detail\":{\"clusterArn\":\"arn:aws:ecs:us-east-1:%s:cluster/%s\"}}";

        assertThat(EcsTaskEvents.matches(pattern, Json.MAPPER.readTree(event.formatted("210987654321", "210987654321",
                "glfs-production")))).isTrue();
        assertThat(EcsTaskEvents.matches(pattern, Json.MAPPER.readTree(event.formatted("123456789012", "123456789012",
                "glfs-dev")))).isTrue();
        assertThat(EcsTaskEvents.matches(pattern, Json.MAPPER.readTree(event.formatted("999999999999", "999999999999",
                "glfs-dev")))).as("an account not listed").isFalse();
        assertThat(EcsTaskEvents.matches(pattern, Json.MAPPER.readTree(event.formatted("210987654321", "210987654321",
                "web")))).as("not a glfs- cluster").isFalse();
        assertThat(EcsTaskEvents.matches(pattern, Json.MAPPER.readTree(event.formatted("210987654321", "210987654321",
                "glfs-x.y")))).as("the dot is literal, not a regex").isTrue();
        assertThat(EcsTaskEvents.matches(CfnYaml.parse("detail: {clusterArn: [{wildcard: \"arn:*:cluster/a.c\"}]}"),
                Json.MAPPER.readTree(event.formatted("1", "1", "abc")))).as("a dot in the filter is literal").isFalse();
    }

    @Test
    void scheduleRatesAreUnderstood() {
        assertThat(EventSources.rate("rate(5 minutes)")).isEqualTo(Duration.ofMinutes(5));
        assertThat(EventSources.rate("rate(1 hour)")).isEqualTo(Duration.ofHours(1));
        assertThat(EventSources.rate("rate(2 days)")).isEqualTo(Duration.ofDays(2));
        assertThat(EventSources.rate("cron(0 12 * * ? *)")).isEqualTo(Duration.ofMinutes(5));
    }
}
