package dev.fargatescaler.local.deploy;

import dev.fargatescaler.local.deploy.resources.DynamoDbTables;
import dev.fargatescaler.local.deploy.resources.EcsClusters;
import dev.fargatescaler.local.deploy.resources.EcsTaskDefinitions;
import dev.fargatescaler.local.deploy.resources.IamRoles;
import dev.fargatescaler.local.deploy.resources.LogGroups;
import dev.fargatescaler.local.deploy.resources.SecurityGroups;
import dev.fargatescaler.local.deploy.resources.SqsQueues;
import dev.fargatescaler.local.deploy.resources.SsmParameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The resource types local mode creates on the emulator, one {@link ResourceProvisioner} each. */
public final class ResourceTypes {

    private static final Map<String, ResourceProvisioner> ALL = new LinkedHashMap<>();

    static {
        for (ResourceProvisioner p : List.of(new SqsQueues(), new DynamoDbTables(), new SsmParameters(),
                new LogGroups(), new IamRoles(), new SecurityGroups(), new EcsClusters(), new EcsTaskDefinitions())) {
            ALL.put(p.type(), p);
        }
    }

    private ResourceTypes() {
    }

    /** The provisioner of a type, or null when local mode does not create that type. */
    public static ResourceProvisioner of(String type) {
        return ALL.get(type);
    }

    public static Set<String> types() {
        return ALL.keySet();
    }
}
