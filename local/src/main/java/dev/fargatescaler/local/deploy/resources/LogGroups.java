package dev.fargatescaler.local.deploy.resources;

import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.local.deploy.ResourceProvisioner;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;

/**
 * {@code AWS::Logs::LogGroup}: created with its retention; {@code Ref} is its name and {@code Arn} ends with
 * {@code :*}, as CloudFormation gives it. Nothing writes to it locally (the functions' logs are files, the
 * runner container never runs), but its name is what the task definition and the roles refer to.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html
 */
public final class LogGroups implements ResourceProvisioner {

    @Override
    public String type() {
        return "AWS::Logs::LogGroup";
    }

    @Override
    public boolean neededAtRunTime() {
        return false;
    }

    @Override
    public Created create(String logicalId, Map<String, Object> props, String defaultName, EmulatorClients aws) {
        String name = Props.text(props, "LogGroupName", defaultName);
        try {
            aws.logs().createLogGroup(r -> r.logGroupName(name).tags(Props.tags(props).isEmpty() ? null
                    : Props.tags(props)));
        } catch (ResourceAlreadyExistsException e) {
            // created by an earlier run on the same emulator
        }
        Integer retention = Props.integer(props, "RetentionInDays");
        if (retention != null) {
            aws.logs().putRetentionPolicy(r -> r.logGroupName(name).retentionInDays(retention));
        }
        String arn = "arn:aws:logs:" + aws.target().region().id() + ":" + aws.target().accountId() + ":log-group:"
                + name + ":*";
        return new Created(name, Map.of("Arn", arn), "log group " + name);
    }
}
