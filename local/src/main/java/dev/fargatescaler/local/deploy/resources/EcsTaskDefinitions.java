package dev.fargatescaler.local.deploy.resources;

import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.local.deploy.ResourceProvisioner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * {@code AWS::ECS::TaskDefinition}: a new revision of the family with the template's CPU, memory, platform,
 * roles and containers (name, image, environment, secrets by reference, log configuration, stop timeout);
 * {@code Ref} is the revision's ARN.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-taskdefinition.html
 */
public final class EcsTaskDefinitions implements ResourceProvisioner {

    @Override
    public String type() {
        return "AWS::ECS::TaskDefinition";
    }

    @Override
    public boolean neededAtRunTime() {
        return true;
    }

    @Override
    public Created create(String logicalId, Map<String, Object> props, String defaultName, EmulatorClients aws) {
        String family = Props.text(props, "Family", defaultName);
        String taskMemory = Props.text(props, "Memory");
        List<ContainerDefinition> containers = new ArrayList<>();
        for (Object value : Props.list(props, "ContainerDefinitions")) {
            containers.add(container(Props.map(value), taskMemory));
        }
        Map<String, Object> platform = Props.map(props, "RuntimePlatform");
        Integer storage = Props.integer(Props.map(props, "EphemeralStorage"), "SizeInGiB");
        Map<String, String> tags = Props.tags(props);
        TaskDefinition definition = aws.ecs().registerTaskDefinition(r -> {
            r.family(family).requiresCompatibilitiesWithStrings(Props.texts(props, "RequiresCompatibilities"))
                    .networkMode(Props.text(props, "NetworkMode")).cpu(Props.text(props, "Cpu")).memory(taskMemory)
                    .executionRoleArn(Props.text(props, "ExecutionRoleArn")).taskRoleArn(Props.text(props, "TaskRoleArn"))
                    .containerDefinitions(containers)
                    .tags(tags.entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build())
                            .toList());
            if (!platform.isEmpty()) {
                r.runtimePlatform(p -> p.cpuArchitecture(Props.text(platform, "CpuArchitecture"))
                        .operatingSystemFamily(Props.text(platform, "OperatingSystemFamily")));
            }
            if (storage != null) {
                r.ephemeralStorage(s -> s.sizeInGiB(storage));
            }
        }).taskDefinition();
        return new Created(definition.taskDefinitionArn(), Map.of(), "task definition " + family + ":"
                + definition.revision());
    }

    private static ContainerDefinition container(Map<String, Object> c, String taskMemory) {
        Map<String, Object> log = Props.map(c, "LogConfiguration");
        Map<String, String> logOptions = new LinkedHashMap<>();
        Props.map(log, "Options").forEach((k, v) -> logOptions.put(k, Props.scalar(v)));
        Integer memory = Props.integer(c, "Memory");
        ContainerDefinition.Builder b = ContainerDefinition.builder()
                .name(Props.text(c, "Name"))
                .image(Props.text(c, "Image"))
                .essential(c.containsKey("Essential") ? Props.bool(c, "Essential") : null)
                .stopTimeout(Props.integer(c, "StopTimeout"))
                // moto refuses a container without memory (docs/local-mode.md, "moto quirks"); Fargate takes the
                // task's. So the container gets the task's memory when the template sets none.
                .memory(memory != null ? memory : taskMemory == null ? null : Integer.valueOf(taskMemory))
                .environment(Props.list(c, "Environment").stream().map(Props::map).map(e -> KeyValuePair.builder()
                        .name(Props.text(e, "Name")).value(Props.text(e, "Value")).build()).toList())
                .secrets(Props.list(c, "Secrets").stream().map(Props::map).map(s -> Secret.builder()
                        .name(Props.text(s, "Name")).valueFrom(Props.text(s, "ValueFrom")).build()).toList());
        if (!Props.texts(c, "Command").isEmpty()) {
            b.command(Props.texts(c, "Command"));
        }
        if (!Props.texts(c, "EntryPoint").isEmpty()) {
            b.entryPoint(Props.texts(c, "EntryPoint"));
        }
        Map<String, Object> linux = Props.map(c, "LinuxParameters");
        if (linux.containsKey("InitProcessEnabled")) {
            b.linuxParameters(l -> l.initProcessEnabled(Props.bool(linux, "InitProcessEnabled")));
        }
        if (!log.isEmpty()) {
            b.logConfiguration(LogConfiguration.builder().logDriver(Props.text(log, "LogDriver")).options(logOptions)
                    .build());
        }
        return b.build();
    }
}
