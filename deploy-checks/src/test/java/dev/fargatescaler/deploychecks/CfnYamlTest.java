package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CfnYamlTest {

    @Test
    void shortFormTagsBecomeTheirLongForm() {
        Map<String, Object> t = CfnYaml.parse("""
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
        assertThat(t.get("B")).isEqualTo(Map.of("Fn::GetAtt", "Queue.Arn"));
        assertThat(t.get("C")).isEqualTo(Map.of("Fn::Sub", "arn:${AWS::Partition}:sqs:${Name}"));
        assertThat(t.get("D")).isEqualTo(Map.of("Fn::If",
                List.of("IsSsm", "ssm:GetParameter", Map.of("Ref", "AWS::NoValue"))));
        assertThat(t.get("E")).isEqualTo(Map.of("Fn::Sub", List.of("${X}", Map.of("X", Map.of("Fn::Select",
                List.of(1, Map.of("Fn::Split", List.of(":", Map.of("Ref", "P")))))))));
        assertThat(t.get("F")).isEqualTo(Map.of("Condition", "HasTopic"));
        assertThat(t.get("G")).isEqualTo(Map.of("Fn::Join", List.of("", List.of("a", "b"))));
    }

    @Test
    void referencesFollowSubVariablesButNotPseudoParametersOrLocals() {
        Object node = CfnYaml.parse("""
                R: !Sub
                  - "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${Name}/${Path}/${!Literal}"
                  - Name: !Select [1, !Split [":", !Ref TokenSecret]]
                """).get("R");
        assertThat(Intrinsics.references(node)).containsExactlyInAnyOrder("TokenSecret", "Path");
    }

    @Test
    void alternativesCoverBothBranchesAndDropNoValue() {
        Object node = CfnYaml.parse("X: !If [C, [a, b], !If [D, c, !Ref AWS::NoValue]]").get("X");
        assertThat(Intrinsics.alternatives(node)).containsExactly(List.of("a", "b"), "c");
        assertThat(Intrinsics.elements(node)).containsExactly("a", "b", "c");
    }

    @Test
    void aTemplateMustBeAMapping() {
        assertThatThrownBy(() -> CfnYaml.parse("- a\n- b\n")).isInstanceOf(IllegalArgumentException.class);
    }
}
