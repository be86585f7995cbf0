package dev.fargatescaler.local.aws;

import dev.fargatescaler.local.template.PhysicalIds;
import dev.fargatescaler.local.template.SamTemplate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code Ref} and {@code Fn::GetAtt} give locally: what the provisioner created (queue URLs, ARNs...),
 * and for resources local mode does not create, the name CloudFormation would give:
 * {@code <stackName>-<LogicalId>} (log groups: {@code /aws/lambda/<stackName>-<LogicalId>}).
 */
public final class LocalPhysicalIds implements PhysicalIds {

    private final String stackName;
    private final AwsTarget target;
    private final Map<String, String> refs = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> attributes = new ConcurrentHashMap<>();

    public LocalPhysicalIds(String stackName, AwsTarget target) {
        this.stackName = stackName;
        this.target = target;
    }

    public void record(String logicalId, String ref, Map<String, String> attrs) {
        refs.put(logicalId, ref);
        attributes.put(logicalId, new HashMap<>(attrs));
    }

    /** The URL of the provisioned queue with this ARN, or null. */
    public String queueUrlForArn(String arn) {
        for (Map.Entry<String, Map<String, String>> e : attributes.entrySet()) {
            if (arn != null && arn.equals(e.getValue().get("Arn")) && e.getValue().containsKey("QueueUrl")) {
                return e.getValue().get("QueueUrl");
            }
        }
        return null;
    }

    public String name(String logicalId) {
        return stackName + "-" + logicalId;
    }

    @Override
    public String ref(SamTemplate.Resource resource) {
        String known = refs.get(resource.logicalId());
        if (known != null) {
            return known;
        }
        return switch (resource.type()) {
            case "AWS::Logs::LogGroup" -> "/aws/lambda/" + name(resource.logicalId());
            case "AWS::SQS::Queue" -> null; // only a provisioned queue has a URL
            default -> name(resource.logicalId());
        };
    }

    @Override
    public String getAtt(SamTemplate.Resource resource, String attribute) {
        Map<String, String> known = attributes.get(resource.logicalId());
        if (known != null && known.containsKey(attribute)) {
            return known.get(attribute);
        }
        if (!"Arn".equals(attribute)) {
            return null;
        }
        String prefix = "arn:aws:%s:" + target.region().id() + ":" + target.accountId() + ":";
        String name = name(resource.logicalId());
        return switch (resource.type()) {
            case "AWS::Serverless::Function", "AWS::Lambda::Function" -> prefix.formatted("lambda") + "function:" + name;
            case "AWS::Logs::LogGroup" -> prefix.formatted("logs") + "log-group:/aws/lambda/" + name;
            case "AWS::ECS::Cluster" -> prefix.formatted("ecs") + "cluster/" + name;
            case "AWS::IAM::Role" -> "arn:aws:iam::" + target.accountId() + ":role/" + name;
            case "AWS::Events::Rule" -> prefix.formatted("events") + "rule/" + name;
            case "AWS::SNS::Topic" -> prefix.formatted("sns") + name;
            default -> null;
        };
    }
}
