package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What CloudFormation does with the stacks' state when a resource is replaced by an update or the stack is
 * deleted: decided per resource rather than left to the default, which deletes
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html).
 * cfn-lint's I3011 (run by .ci/run) only asks that a choice be written; this test pins the choice.
 */
class StatefulResourcePoliciesTest {

    private static final Map<String, Object> CONTROL_PLANE = Templates.project("template.yaml");
    private static final Map<String, Object> ENVIRONMENT = Templates.project("environment.yaml");

    @Test
    void queuedJobsSurviveAReplacementOfTheQueue() {
        assertThat(policies(CONTROL_PLANE, "JobQueue")).isEqualTo(new Policies("Delete", "Retain"));
    }

    @Test
    void deadLetteredJobsSurviveDeletionAndReplacement() {
        assertThat(policies(CONTROL_PLANE, "JobDeadLetterQueue")).isEqualTo(new Policies("Retain", "Retain"));
    }

    @Test
    void functionLogsSurviveDeletionAndReplacement() {
        for (String logGroup : new String[] {"WebhookLogGroup", "ScalerLogGroup", "ReporterLogGroup", "SweeperLogGroup"}) {
            assertThat(policies(CONTROL_PLANE, logGroup)).as(logGroup).isEqualTo(new Policies("Retain", "Retain"));
        }
    }

    @Test
    void theRunnerLogGroupGoesWithItsStackBecauseItsNameIsFixed() {
        assertThat(policies(ENVIRONMENT, "RunnerLogGroup")).isEqualTo(new Policies("Delete", "Retain"));
        assertThat(map(map(map(ENVIRONMENT.get("Resources")).get("RunnerLogGroup")).get("Properties")))
                .containsKey("LogGroupName");
    }

    private record Policies(Object deletion, Object updateReplace) {
    }

    private static Policies policies(Map<String, Object> template, String resource) {
        Map<String, Object> r = map(map(template.get("Resources")).get(resource));
        assertThat(r).as("resource %s", resource).isNotEmpty();
        return new Policies(r.get("DeletionPolicy"), r.get("UpdateReplacePolicy"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
