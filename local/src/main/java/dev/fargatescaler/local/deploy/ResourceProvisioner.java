package dev.fargatescaler.local.deploy;

import dev.fargatescaler.local.aws.EmulatorClients;
import java.util.Map;

/**
 * Creates one resource type of a template on the emulator, from the resource's properties as the template
 * resolves them, and says what {@code Ref} and {@code Fn::GetAtt} give for what it created. A new resource type
 * in template.yaml or environment.yaml needs one of these (and its registration in {@link ResourceTypes}) to
 * exist locally; until then local mode lists it as not created.
 */
public interface ResourceProvisioner {

    /** What was created: {@code Ref}'s value and the attributes {@code Fn::GetAtt} may ask for. */
    record Created(String ref, Map<String, String> attributes, String description) {
    }

    /** The CloudFormation type, e.g. {@code AWS::SQS::Queue}. */
    String type();

    /**
     * Whether the functions need the resource to run (a queue, a table): if so, failing to create it stops local
     * mode; otherwise (a role, a log group) it is a warning.
     */
    boolean neededAtRunTime();

    /**
     * Creates the resource, or finds it when it exists already (an emulator reused across runs).
     *
     * @param defaultName the name CloudFormation would derive when the template names none
     */
    Created create(String logicalId, Map<String, Object> properties, String defaultName, EmulatorClients aws);
}
