package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.testkit.template.CfnYaml;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntrinsicsTest {

    @Test
    void referencesFollowSubVariablesButNotPseudoParametersOrLocals() {
        Object node = CfnYaml.parseTemplate("""
                R: !Sub
                  - "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${Name}/${Path}/${!Literal}"
                  - Name: !Select [1, !Split [":", !Ref TokenSecret]]
                """).get("R");
        assertThat(Intrinsics.references(node)).containsExactlyInAnyOrder("TokenSecret", "Path");
    }

    @Test
    void alternativesCoverBothBranchesAndDropNoValue() {
        Object node = CfnYaml.parseTemplate("X: !If [C, [a, b], !If [D, c, !Ref AWS::NoValue]]").get("X");
        assertThat(Intrinsics.alternatives(node)).containsExactly(List.of("a", "b"), "c");
        assertThat(Intrinsics.elements(node)).containsExactly("a", "b", "c");
    }
}
