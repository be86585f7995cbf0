package dev.fargatescaler.local.deploy.resources;

import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.local.deploy.ResourceProvisioner;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * {@code AWS::IAM::Role}: the role with its trust policy and inline policies (which the emulator stores but never
 * enforces: local mode checks no permission, see docs/security.md for the policy test); {@code Ref} is its name.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
 */
public final class IamRoles implements ResourceProvisioner {

    @Override
    public String type() {
        return "AWS::IAM::Role";
    }

    @Override
    public boolean neededAtRunTime() {
        return false;
    }

    @Override
    public Created create(String logicalId, Map<String, Object> props, String defaultName, EmulatorClients aws) {
        // CloudFormation's generated names are <stack>-<LogicalId>-<random>, at most 64 characters.
        String name = Props.text(props, "RoleName", defaultName.length() > 64 ? defaultName.substring(0, 64) : defaultName);
        IamClient iam = aws.iam();
        Role role;
        try {
            role = iam.createRole(r -> r.roleName(name).path(Props.text(props, "Path", "/"))
                    .assumeRolePolicyDocument(Props.json(props.get("AssumeRolePolicyDocument")))
                    .description(Props.text(props, "Description"))
                    .tags(Props.tags(props).entrySet().stream()
                            .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList())).role();
        } catch (EntityAlreadyExistsException e) {
            role = iam.getRole(r -> r.roleName(name)).role();
        }
        for (Object value : Props.list(props, "Policies")) {
            Map<String, Object> policy = Props.map(value);
            iam.putRolePolicy(r -> r.roleName(name).policyName(Props.text(policy, "PolicyName"))
                    .policyDocument(Props.json(policy.get("PolicyDocument"))));
        }
        for (String arn : Props.texts(props, "ManagedPolicyArns")) {
            iam.attachRolePolicy(r -> r.roleName(name).policyArn(arn));
        }
        return new Created(name, Map.of("Arn", role.arn(), "RoleId", role.roleId()), "role " + name);
    }
}
