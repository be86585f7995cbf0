package dev.fargatescaler.local.deploy.resources;

import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.local.deploy.ResourceProvisioner;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * {@code AWS::EC2::SecurityGroup}: created in its VPC (found again by name on a reused emulator); {@code Ref} is
 * its id. The egress rules are not copied: the emulator enforces none, and its default group allows all egress.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html
 */
public final class SecurityGroups implements ResourceProvisioner {

    @Override
    public String type() {
        return "AWS::EC2::SecurityGroup";
    }

    @Override
    public boolean neededAtRunTime() {
        return true;
    }

    @Override
    public Created create(String logicalId, Map<String, Object> props, String defaultName, EmulatorClients aws) {
        String name = Props.text(props, "GroupName", defaultName);
        String vpc = Props.text(props, "VpcId");
        Ec2Client ec2 = aws.ec2();
        String id = ec2.describeSecurityGroups(r -> r.filters(Filter.builder().name("group-name").values(name).build(),
                        Filter.builder().name("vpc-id").values(vpc).build())).securityGroups().stream()
                .map(g -> g.groupId()).findFirst().orElse(null);
        if (id == null) {
            Map<String, String> tags = Props.tags(props);
            id = ec2.createSecurityGroup(r -> {
                r.groupName(name).vpcId(vpc).description(Props.text(props, "GroupDescription", name));
                if (!tags.isEmpty()) {
                    r.tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
                            .tags(tags.entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue())
                                    .build()).toList()).build());
                }
            }).groupId();
        }
        return new Created(id, Map.of("GroupId", id, "VpcId", vpc), "security group " + id + " (" + name + ")");
    }
}
