package dev.fargatescaler.local.deploy.resources;

import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.local.deploy.ResourceProvisioner;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * {@code AWS::ECS::Cluster}: named as the template names it, with its capacity providers (the emulator takes
 * them, though it cannot run a capacity-provider strategy: docs/local-mode.md); {@code Ref} is its name.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-cluster.html
 */
public final class EcsClusters implements ResourceProvisioner {

    @Override
    public String type() {
        return "AWS::ECS::Cluster";
    }

    @Override
    public boolean neededAtRunTime() {
        return true;
    }

    @Override
    public Created create(String logicalId, Map<String, Object> props, String defaultName, EmulatorClients aws) {
        String name = Props.text(props, "ClusterName", defaultName);
        Map<String, String> tags = Props.tags(props);
        Cluster cluster = aws.ecs().createCluster(r -> r.clusterName(name)
                .capacityProviders(Props.texts(props, "CapacityProviders"))
                .tags(tags.entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build())
                        .toList())).cluster();
        return new Created(name, Map.of("Arn", cluster.clusterArn()), "cluster " + name);
    }
}
