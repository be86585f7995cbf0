package dev.fargatescaler.local.deploy;

import dev.fargatescaler.testkit.template.CfnEvaluator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code Ref} and {@code Fn::GetAtt} give locally: what was created on the emulator (queue URLs, ARNs,
 * cluster names...), and for resources local mode does not create (functions, alarms...), the name
 * CloudFormation would give: {@code <stackName>-<LogicalId>}. A resource of a type local mode creates has no
 * value until it is created, so that what refers to it is created after it.
 */
public final class LocalPhysicalIds implements CfnEvaluator.PhysicalIds {

    private final String stackName;
    private final String region;
    private final String accountId;
    private final Set<String> createdTypes;
    private final Map<String, String> refs = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> attributes = new ConcurrentHashMap<>();

    /** @param createdTypes the resource types local mode creates (no stand-in name for those) */
    public LocalPhysicalIds(String stackName, String region, String accountId, Set<String> createdTypes) {
        this.stackName = stackName;
        this.region = region;
        this.accountId = accountId;
        this.createdTypes = Set.copyOf(createdTypes);
    }

    public void record(String logicalId, String ref, Map<String, String> attrs) {
        refs.put(logicalId, ref);
        attributes.put(logicalId, new HashMap<>(attrs));
    }

    /** The URL of the created queue with this ARN, or null. */
    public String queueUrlForArn(String arn) {
        for (Map<String, String> a : attributes.values()) {
            if (arn != null && arn.equals(a.get("Arn")) && a.containsKey("QueueUrl")) {
                return a.get("QueueUrl");
            }
        }
        return null;
    }

    /** The name CloudFormation would derive from the stack and the logical id (without its random suffix). */
    public String name(String logicalId) {
        return stackName + "-" + logicalId;
    }

    public String stackName() {
        return stackName;
    }

    @Override
    public String ref(String logicalId, String type) {
        String known = refs.get(logicalId);
        if (known != null || createdTypes.contains(type)) {
            return known;
        }
        return name(logicalId);
    }

    @Override
    public String getAtt(String logicalId, String type, String attribute) {
        Map<String, String> known = attributes.get(logicalId);
        if (known != null && known.containsKey(attribute)) {
            return known.get(attribute);
        }
        if (createdTypes.contains(type) || !"Arn".equals(attribute)) {
            return null;
        }
        String prefix = "arn:aws:%s:" + region + ":" + accountId + ":";
        String name = name(logicalId);
        return switch (type) {
            case "AWS::Serverless::Function", "AWS::Lambda::Function" -> prefix.formatted("lambda") + "function:" + name;
            case "AWS::Events::Rule" -> prefix.formatted("events") + "rule/" + name;
            case "AWS::SNS::Topic" -> prefix.formatted("sns") + name;
            default -> null;
        };
    }
}
