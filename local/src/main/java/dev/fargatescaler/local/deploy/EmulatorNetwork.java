package dev.fargatescaler.local.deploy;

import dev.fargatescaler.local.aws.EmulatorClients;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The network an environment stack is deployed into (environment.yaml takes an existing VPC and subnets as
 * parameters): on the emulator, one VPC per environment, tagged so that a reused emulator finds it again, with
 * DNS hostnames enabled (moto answers an {@code awsvpc} RunTask with 500 without them: docs/local-mode.md) and
 * two subnets in the region's first two availability zones.
 */
public final class EmulatorNetwork {

    /** The VPC and its subnets. */
    public record Network(String vpcId, List<String> subnetIds) {
    }

    private static final String TAG = "glfs-local:environment";

    private final EmulatorClients aws;

    public EmulatorNetwork(EmulatorClients aws) {
        this.aws = aws;
    }

    public Network forEnvironment(String environment, int index) {
        Ec2Client ec2 = aws.ec2();
        String vpcId = ec2.describeVpcs(r -> r.filters(Filter.builder().name("tag:" + TAG).values(environment).build()))
                .vpcs().stream().map(v -> v.vpcId()).findFirst().orElse(null);
        int octet = 10 + index % 240;
        if (vpcId == null) {
            String id = ec2.createVpc(r -> r.cidrBlock("10." + octet + ".0.0/16").tagSpecifications(TagSpecification
                    .builder().resourceType(ResourceType.VPC).tags(Tag.builder().key(TAG).value(environment).build(),
                            Tag.builder().key("Name").value("glfs-local-" + environment).build()).build()))
                    .vpc().vpcId();
            ec2.modifyVpcAttribute(r -> r.vpcId(id).enableDnsSupport(AttributeBooleanValue.builder().value(true).build()));
            ec2.modifyVpcAttribute(r -> r.vpcId(id).enableDnsHostnames(AttributeBooleanValue.builder().value(true).build()));
            vpcId = id;
        }
        String vpc = vpcId;
        List<String> subnets = new ArrayList<>(ec2.describeSubnets(r -> r.filters(Filter.builder().name("vpc-id")
                .values(vpc).build())).subnets().stream().map(Subnet::subnetId).sorted().toList());
        String region = aws.target().region().id();
        for (int i = subnets.size(); i < 2; i++) {
            String cidr = "10." + octet + "." + i + ".0/24";
            String zone = region + (char) ('a' + i);
            subnets.add(ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock(cidr).availabilityZone(zone)).subnet().subnetId());
        }
        return new Network(vpc, List.copyOf(subnets));
    }
}
