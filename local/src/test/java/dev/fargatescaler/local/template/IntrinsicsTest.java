package dev.fargatescaler.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntrinsicsTest {

    /** Resources are called "phys-<LogicalId>"; attributes "<LogicalId>.<Attr>". */
    private static final PhysicalIds IDS = new PhysicalIds() {
        @Override
        public String ref(SamTemplate.Resource resource) {
            return "phys-" + resource.logicalId();
        }

        @Override
        public String getAtt(SamTemplate.Resource resource, String attribute) {
            return "Missing".equals(attribute) ? null : resource.logicalId() + "." + attribute;
        }
    };

    private static final String TEMPLATE = """
            Parameters:
              Secret: {Type: String, Default: ""}
              Mode: {Type: String, Default: fast}
            Conditions:
              HasSecret: !Not [!Equals [!Ref Secret, ""]]
              IsSsm: !Equals [!Select [0, !Split [":", !Join ["", [!Ref Secret, ":"]]]], "ssm"]
            Mappings:
              Sizes: {fast: {Memory: 1024}}
            Resources:
              Queue:
                Type: AWS::SQS::Queue
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: a.B::handleRequest
                  Environment:
                    Variables:
                      URL: !Ref Queue
                      ARN: !GetAtt Queue.Arn
                      SUB: !Sub "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${Secret} ${Queue.Arn} ${!Literal}"
                      SUB_VARS: !Sub ["${Name}-x", {Name: !Select [1, !Split [":", !Ref Secret]]}]
                      CHOICE: !If [IsSsm, ssm, secretsmanager]
                      GONE: !If [HasSecret, present, !Ref AWS::NoValue]
                      MEMORY: !FindInMap [Sizes, !Ref Mode, Memory]
                      IMPORTED: !ImportValue other-stack-output
                      MISSING: !GetAtt Queue.Missing
            """;

    private static SamTemplate template(Path dir) throws IOException {
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, TEMPLATE);
        return SamTemplate.load(file);
    }

    @Test
    void resolvesShortFormTagsAgainstParametersPseudoParametersAndResources(@TempDir Path dir) throws IOException {
        SamTemplate template = template(dir);
        Intrinsics intrinsics = new Intrinsics(template, Map.of("Secret", "ssm:/glfs/token", "Mode", "fast"),
                "eu-west-1", "111122223333", "stack", IDS);
        Map<String, Object> env = template.function("Fn").environment();

        assertThat(intrinsics.resolveString(env.get("URL"))).isEqualTo("phys-Queue");
        assertThat(intrinsics.resolveString(env.get("ARN"))).isEqualTo("Queue.Arn");
        assertThat(intrinsics.resolveString(env.get("SUB")))
                .isEqualTo("arn:aws:ssm:eu-west-1:111122223333:parameterssm:/glfs/token Queue.Arn ${Literal}");
        assertThat(intrinsics.resolveString(env.get("SUB_VARS"))).isEqualTo("/glfs/token-x");
        assertThat(intrinsics.resolveString(env.get("CHOICE"))).isEqualTo("ssm");
        assertThat(intrinsics.resolveString(env.get("GONE"))).isEqualTo("present");
        assertThat(intrinsics.resolveString(env.get("MEMORY"))).isEqualTo("1024");
    }

    @Test
    void conditionsFollowTheParameterValues(@TempDir Path dir) throws IOException {
        SamTemplate template = template(dir);
        Intrinsics intrinsics = new Intrinsics(template, Map.of("Secret", "", "Mode", "fast"), "us-east-1",
                "123456789012", "stack", IDS);
        Map<String, Object> env = template.function("Fn").environment();

        assertThat(intrinsics.condition("HasSecret")).isFalse();
        assertThat(intrinsics.resolveString(env.get("CHOICE"))).isEqualTo("secretsmanager");
        assertThat(intrinsics.resolveString(env.get("GONE"))).isNull();
        assertThat(intrinsics.resolve(List.of(Map.of("Ref", "AWS::NoValue"), "kept"))).isEqualTo(List.of("kept"));
    }

    @Test
    void whatCannotBeResolvedLocallySaysWhy(@TempDir Path dir) throws IOException {
        SamTemplate template = template(dir);
        Intrinsics intrinsics = new Intrinsics(template, Map.of("Secret", "", "Mode", "fast"), "us-east-1",
                "123456789012", "stack", IDS);
        Map<String, Object> env = template.function("Fn").environment();

        assertThatThrownBy(() -> intrinsics.resolveString(env.get("IMPORTED")))
                .isInstanceOf(Intrinsics.Unresolvable.class).hasMessageContaining("Fn::ImportValue");
        assertThatThrownBy(() -> intrinsics.resolveString(env.get("MISSING")))
                .isInstanceOf(Intrinsics.Unresolvable.class).hasMessageContaining("Queue.Missing");
        assertThatThrownBy(() -> intrinsics.resolveString(Map.of("Ref", "Nope")))
                .isInstanceOf(Intrinsics.Unresolvable.class).hasMessageContaining("Nope");
    }

    @Test
    void theProjectTemplateParsesAndItsWebhookFunctionResolves() throws IOException {
        String root = System.getProperty("project.root", "..");
        SamTemplate template = SamTemplate.load(Path.of(root, "template.yaml"));
        Intrinsics intrinsics = new Intrinsics(template, Map.of("WebhookTokenSecret", "local/token",
                "WebhookSigningSecret", "", "MetricsNamespace", "Ns", "LogRetentionDays", "30"), "us-east-1",
                "123456789012", "stack", IDS);
        SamTemplate.Function webhook = template.function("WebhookFunction");

        assertThat(webhook.handler()).isEqualTo("dev.fargatescaler.webhook.WebhookHandler::handleRequest");
        assertThat(intrinsics.resolveString(webhook.environment().get("JOB_QUEUE_URL"))).isEqualTo("phys-JobQueue");
        assertThat(intrinsics.resolveString(webhook.environment().get("WEBHOOK_TOKEN_SECRET"))).isEqualTo("local/token");
        // From Globals, merged with the function's own variables.
        assertThat(intrinsics.resolveString(webhook.environment().get("POWERTOOLS_METRICS_NAMESPACE"))).isEqualTo("Ns");
        assertThat(template.functionIds()).contains("WebhookFunction");
    }
}
