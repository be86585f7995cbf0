package dev.fargatescaler.testkit.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CloudFormation YAML reader shared by local mode and the deploy checks. */
class CfnYamlTest {

    @Test
    void shortFormTagsBecomeTheirLongForm() {
        Map<String, Object> t = CfnYaml.parseTemplate("""
                A: !Ref Queue
                B: !GetAtt Queue.Arn
                C: !Sub "arn:${AWS::Partition}:sqs:${Name}"
                D: !If [IsSsm, ssm:GetParameter, !Ref AWS::NoValue]
                E: !Sub
                  - "${X}"
                  - X: !Select [1, !Split [":", !Ref P]]
                F: !Condition HasTopic
                G: !Join ["", [a, b]]
                """);
        assertThat(t.get("A")).isEqualTo(Map.of("Ref", "Queue"));
        // The short form A.B is a string; CloudFormation's long form is a two-element list.
        assertThat(t.get("B")).isEqualTo(Map.of("Fn::GetAtt", List.of("Queue", "Arn")));
        assertThat(t.get("C")).isEqualTo(Map.of("Fn::Sub", "arn:${AWS::Partition}:sqs:${Name}"));
        assertThat(t.get("D")).isEqualTo(Map.of("Fn::If",
                List.of("IsSsm", "ssm:GetParameter", Map.of("Ref", "AWS::NoValue"))));
        assertThat(t.get("E")).isEqualTo(Map.of("Fn::Sub", List.of("${X}", Map.of("X", Map.of("Fn::Select",
                List.of(1, Map.of("Fn::Split", List.of(":", Map.of("Ref", "P")))))))));
        assertThat(t.get("F")).isEqualTo(Map.of("Condition", "HasTopic"));
        assertThat(t.get("G")).isEqualTo(Map.of("Fn::Join", List.of("", List.of("a", "b"))));
    }

    @Test
    void duplicateKeysAreRefused() {
        assertThatThrownBy(() -> CfnYaml.parseTemplate("A: 1\nA: 2\n")).hasMessageContaining("duplicate");
    }

    @Test
    void aTemplateMustBeAMapping() {
        assertThatThrownBy(() -> CfnYaml.parseTemplate("- a\n- b\n")).isInstanceOf(IllegalArgumentException.class);
    }
}
