package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reporter is invoked asynchronously (EventBridge): an event whose invocation fails every retry, or that
 * EventBridge cannot deliver, must be kept (with retention and encryption), alarmed on, and redrivable, or the
 * relaunch it carried vanishes. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 * and https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
class ReporterFailureDestinationsTest {

    private static final Map<String, Object> TEMPLATE = Templates.project("template.yaml");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static Map<String, Object> resource(String name) {
        return map(map(TEMPLATE.get("Resources")).get(name));
    }

    private static Map<String, Object> properties(String name) {
        return map(resource(name).get("Properties"));
    }

    private static void assertKeptQueue(String name) {
        assertThat(resource(name).get("Type")).as(name).isEqualTo("AWS::SQS::Queue");
        assertThat(Integer.parseInt(String.valueOf(properties(name).get("MessageRetentionPeriod"))))
                .as(name + " keeps messages for 14 days").isEqualTo(1_209_600);
        assertThat(properties(name).get("SqsManagedSseEnabled")).as(name + " is encrypted").isEqualTo(true);
    }

    @Test
    void failedAsyncInvocationsGoToAnEncryptedQueueTheRoleMayWrite() {
        Map<String, Object> onFailure = map(map(map(properties("ReporterFunction").get("EventInvokeConfig"))
                .get("DestinationConfig")).get("OnFailure"));

        assertThat(onFailure.get("Type")).isEqualTo("SQS");
        assertThat(onFailure.get("Destination")).isEqualTo(Map.of("Fn::GetAtt",
                List.of("ReporterFailedInvocationsQueue", "Arn")));
        assertKeptQueue("ReporterFailedInvocationsQueue");
        // Lambda sends the record with the function's execution role.
        List<Object> statements = (List<Object>) map(map(((List<?>) properties("ReporterRole").get("Policies")).get(0))
                .get("PolicyDocument")).get("Statement");
        assertThat(statements).anySatisfy(s -> {
            assertThat(map(s).get("Action")).isEqualTo("sqs:SendMessage");
            assertThat(map(s).get("Resource")).isEqualTo(Map.of("Fn::GetAtt",
                    List.of("ReporterFailedInvocationsQueue", "Arn")));
        });
    }

    @Test
    void undeliverableTaskEventsGoToADeadLetterQueueOnlyTheirRuleMayWrite() {
        Map<String, Object> rule = map(map(map(map(properties("ReporterFunction").get("Events")).get("TaskStateChange"))
                .get("Properties")).get("DeadLetterConfig"));

        assertThat(rule.get("Arn")).isEqualTo(Map.of("Fn::GetAtt", List.of("TaskEventsDeadLetterQueue", "Arn")));
        assertKeptQueue("TaskEventsDeadLetterQueue");
        Map<String, Object> statement = map(((List<?>) map(properties("TaskEventsDeadLetterQueuePolicy")
                .get("PolicyDocument")).get("Statement")).get(0));
        assertThat(statement.get("Principal")).isEqualTo(Map.of("Service", "events.amazonaws.com"));
        assertThat(statement.get("Action")).isEqualTo("sqs:SendMessage");
        assertThat(map(map(statement.get("Condition")).get("ArnEquals")).get("aws:SourceArn"))
                .isEqualTo(Map.of("Fn::GetAtt", List.of("ReporterFunctionTaskStateChange", "Arn")));
    }

    @Test
    void anAlarmWatchesBothQueuesAndTheDashboardShowsIt() {
        String alarm = properties("ReporterEventsLostAlarm").toString();

        assertThat(alarm).contains("ReporterFailedInvocationsQueue").contains("TaskEventsDeadLetterQueue")
                .contains("ApproximateNumberOfMessagesVisible");
        assertThat(properties("Dashboard").toString()).contains("${ReporterEventsLostAlarm.Arn}");
    }
}
