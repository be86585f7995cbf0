package dev.fargatescaler.testkit.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one CloudFormation evaluator, used by local mode and the deploy checks. */
class CfnEvaluatorTest {

    /** Resources are called "phys-<LogicalId>"; attributes "<LogicalId>.<Attr>". */
    private static final CfnEvaluator.PhysicalIds IDS = new CfnEvaluator.PhysicalIds() {
        @Override
        public String ref(String logicalId, String type) {
            return "phys-" + logicalId;
        }

        @Override
        public String getAtt(String logicalId, String type, String attribute) {
            return "Missing".equals(attribute) ? null : logicalId + "." + attribute;
        }
    };
    private static final CfnEvaluator.Deployment EU = new CfnEvaluator.Deployment("eu-west-1", "111122223333", "stack");

    private static final Map<String, Object> TEMPLATE = CfnYaml.parseTemplate("""
            Parameters:
              Secret: {Type: String, Default: ""}
              Mode: {Type: String, Default: fast, AllowedValues: [fast, slow]}
              Tags: {Type: CommaDelimitedList, Default: ""}
              Count: {Type: Number, Default: 5, MinValue: 1, MaxValue: 10}
              Name: {Type: String, AllowedPattern: "^[a-z]{1,8}$"}
            Rules:
              NoTagsNeedSlow:
                RuleCondition: !Equals [!Join ["", !Ref Tags], ""]
                Assertions:
                  - Assert: !Equals [!Ref Mode, slow]
                    AssertDescription: Without tags, Mode must be slow.
            Conditions:
              HasSecret: !Not [!Equals [!Ref Secret, ""]]
              IsSsm: !Equals [!Select [0, !Split [":", !Join ["", [!Ref Secret, ":"]]]], "ssm"]
              IsFive: !Equals [!Ref Count, 5]
            Mappings:
              Sizes: {fast: {Memory: 1024}}
            Resources:
              Queue:
                Type: AWS::SQS::Queue
              OnlyWithSecret:
                Type: AWS::SNS::Topic
                Condition: HasSecret
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Environment:
                    Variables:
                      URL: !Ref Queue
                      ARN: !GetAtt Queue.Arn
                      SUB: !Sub "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${Secret} ${Queue.Arn} ${!Literal}"
                      SUB_VARS: !Sub ["${Name}-x", {Name: !Select [1, !Split [":", !Ref Secret]]}]
                      CHOICE: !If [IsSsm, ssm, secretsmanager]
                      GONE: !If [HasSecret, present, !Ref AWS::NoValue]
                      MEMORY: !FindInMap [Sizes, !Ref Mode, Memory]
                      TAGS: !Join [",", !Ref Tags]
                      SECOND_TAG: !Select [1, !Ref Tags]
                      IMPORTED: !ImportValue other-stack-output
                      MISSING: !GetAtt Queue.Missing
                      TOPIC: !Ref OnlyWithSecret
            """);

    private static CfnEvaluator evaluator(Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("Name", "abc"));
        all.putAll(values);
        return new CfnEvaluator(TEMPLATE, all, EU, IDS);
    }

    private static Object raw(String variable) {
        return ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) TEMPLATE.get("Resources")).get("Fn"))
                .get("Properties")).get("Environment")).get("Variables")).get(variable);
    }

    @Test
    void resolvesAgainstParametersPseudoParametersAndResources() {
        CfnEvaluator e = evaluator(Map.of("Secret", "ssm:/glfs/token", "Tags", "a, b ,c"));

        assertThat(e.resolveString(raw("URL"))).isEqualTo("phys-Queue");
        assertThat(e.resolveString(raw("ARN"))).isEqualTo("Queue.Arn");
        assertThat(e.resolveString(raw("SUB")))
                .isEqualTo("arn:aws:ssm:eu-west-1:111122223333:parameterssm:/glfs/token Queue.Arn ${Literal}");
        assertThat(e.resolveString(raw("SUB_VARS"))).isEqualTo("/glfs/token-x");
        assertThat(e.resolveString(raw("CHOICE"))).isEqualTo("ssm");
        assertThat(e.resolveString(raw("GONE"))).isEqualTo("present");
        assertThat(e.resolveString(raw("MEMORY"))).isEqualTo("1024");
        assertThat(e.resolveString(raw("TOPIC"))).isEqualTo("phys-OnlyWithSecret");
        assertThat(e.problems()).isEmpty();
    }

    @Test
    void listParametersAreListsWithTrimmedMembers() {
        CfnEvaluator e = evaluator(Map.of("Tags", "a, b ,c"));

        assertThat(e.parameters().get("Tags")).isEqualTo(List.of("a", "b", "c"));
        assertThat(e.resolveString(raw("TAGS"))).isEqualTo("a,b,c");
        assertThat(e.resolveString(raw("SECOND_TAG"))).isEqualTo("b");
        // A number parameter is text for Ref, and equals its YAML default.
        assertThat(e.condition("IsFive")).isTrue();
    }

    @Test
    void conditionsFollowTheParameterValuesAndDecideWhatIsCreated() {
        CfnEvaluator e = evaluator(Map.of("Tags", "a"));

        assertThat(e.condition("HasSecret")).isFalse();
        assertThat(e.creates("OnlyWithSecret")).isFalse();
        assertThat(e.creates("Queue")).isTrue();
        assertThat(e.resolveString(raw("CHOICE"))).isEqualTo("secretsmanager");
        assertThat(e.resolveString(raw("GONE"))).isNull();
        assertThat(e.resolve(List.of(Map.of("Ref", "AWS::NoValue"), "kept"))).isEqualTo(List.of("kept"));
        assertThatThrownBy(() -> e.resolveString(raw("TOPIC"))).isInstanceOf(CfnEvaluator.Unresolvable.class)
                .hasMessageContaining("does not create it");
    }

    @Test
    void whatCannotBeResolvedSaysWhy() {
        CfnEvaluator e = evaluator(Map.of());

        assertThatThrownBy(() -> e.resolveString(raw("IMPORTED")))
                .isInstanceOf(CfnEvaluator.Unresolvable.class).hasMessageContaining("Fn::ImportValue");
        assertThatThrownBy(() -> e.resolveString(raw("MISSING")))
                .isInstanceOf(CfnEvaluator.Unresolvable.class).hasMessageContaining("Queue.Missing");
        assertThatThrownBy(() -> e.resolveString(Map.of("Ref", "Nope")))
                .isInstanceOf(CfnEvaluator.Unresolvable.class).hasMessageContaining("Nope");
        assertThatThrownBy(() -> e.resolveString(raw("SECOND_TAG")))
                .isInstanceOf(CfnEvaluator.Unresolvable.class).hasMessageContaining("out of range");
    }

    @Test
    void everyParameterProblemIsReportedAtOnce() {
        CfnEvaluator e = new CfnEvaluator(TEMPLATE, Map.of("Mode", "medium", "Count", "11", "Nmae", "x",
                "Tags", "a"), EU, IDS);

        assertThat(e.problems()).containsExactlyInAnyOrder(
                "parameter Nmae is not declared by the template (its parameters: Secret, Mode, Tags, Count, Name)",
                "parameter Mode must be one of [fast, slow], got \"medium\"",
                "parameter Count must be at most 10, got 11",
                "parameter Name needs a value (it has no default)");
        assertThat(new CfnEvaluator(TEMPLATE, Map.of("Name", "ABC", "Count", "many", "Tags", "a"), EU, IDS).problems())
                .containsExactlyInAnyOrder("parameter Name must match ^[a-z]{1,8}$, got \"ABC\"",
                        "parameter Count must be a number, got \"many\"");
    }

    @Test
    void rulesAreCheckedLikeCloudFormationDoesBeforeCreatingAnything() {
        assertThat(evaluator(Map.of()).problems()).containsExactly("rule NoTagsNeedSlow: Without tags, Mode must be slow.");
        assertThat(evaluator(Map.of("Mode", "slow")).problems()).isEmpty();
        assertThat(evaluator(Map.of("Tags", "x")).problems()).isEmpty();
    }

    @Test
    void theProjectTemplatesEvaluateWithTheirDefaults() {
        Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
        CfnEvaluator controlPlane = new CfnEvaluator(CfnYaml.read(root.resolve("template.yaml")), Map.of(
                "GitLabUrl", "https://gitlab.example.com", "GitLabTokenSecret", "glfs/gitlab-api-token",
                "WebhookTokenSecret", "glfs/webhook-token"), EU, IDS);
        assertThat(controlPlane.problems()).isEmpty();
        assertThat(controlPlane.resolveString(Map.of("Ref", "EnvironmentsSsmPath"))).isEqualTo("/glfs/environments");

        CfnEvaluator noAuth = new CfnEvaluator(CfnYaml.read(root.resolve("template.yaml")), Map.of(
                "GitLabUrl", "https://gitlab.example.com", "GitLabTokenSecret", "glfs/gitlab-api-token"), EU, IDS);
        assertThat(noAuth.problems()).singleElement().asString().startsWith("rule WebhookNeedsAuthentication:");

        CfnEvaluator environment = new CfnEvaluator(CfnYaml.read(root.resolve("environment.yaml")), Map.of(
                "EnvironmentName", "dev", "RunnerTags", "dev", "GitLabUrl", "https://gitlab.example.com",
                "RunnerTokenSecretArn", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:glfs/dev/runner-token-AbCdEf",
                "RunnerImage", "glfs-runner:17.11.4", "VpcId", "vpc-0123456789abcdef0",
                "SubnetIds", "subnet-0a1b2c3d4e5f60718"), EU, IDS);
        assertThat(environment.problems()).isEmpty();
        assertThat(environment.resourceProperty("TaskDefinition", "Family")).isEqualTo("glfs-dev-runner");
        assertThat(environment.resourceProperty("Cluster", "ClusterName")).isEqualTo("glfs-dev");
    }
}
