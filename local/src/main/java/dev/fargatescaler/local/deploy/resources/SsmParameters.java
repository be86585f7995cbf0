package dev.fargatescaler.local.deploy.resources;

import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.local.deploy.ResourceProvisioner;
import java.util.Map;

/**
 * {@code AWS::SSM::Parameter}: written (overwritten when it exists, as a stack update would); {@code Ref} is
 * its name. This is how an environment stack registers its environment with the control plane.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-parameter.html
 */
public final class SsmParameters implements ResourceProvisioner {

    @Override
    public String type() {
        return "AWS::SSM::Parameter";
    }

    @Override
    public boolean neededAtRunTime() {
        return true;
    }

    @Override
    public Created create(String logicalId, Map<String, Object> props, String defaultName, EmulatorClients aws) {
        String name = Props.text(props, "Name", "CFN-" + defaultName);
        String value = Props.text(props, "Value");
        String type = Props.text(props, "Type", "String");
        aws.ssm().putParameter(r -> r.name(name).value(value).type(type).overwrite(true)
                .description(Props.text(props, "Description")));
        return new Created(name, Map.of("Type", type, "Value", value), "SSM parameter " + name);
    }
}
