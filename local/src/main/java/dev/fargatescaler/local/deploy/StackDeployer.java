package dev.fargatescaler.local.deploy;

import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.testkit.template.CfnEvaluator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Deploys a template on the emulator as CloudFormation would create its stack: every resource the stack creates
 * (its condition holds) whose type local mode knows ({@link ResourceTypes}), each after the resources it refers
 * to, with its properties resolved by testkit's {@link CfnEvaluator}. Resources of other types are listed once
 * (functions run as local workers; alarms, dashboards and the like do nothing locally).
 */
public final class StackDeployer {

    private final CfnEvaluator template;
    private final LocalPhysicalIds ids;
    private final EmulatorClients aws;
    private final Consumer<String> say;

    public StackDeployer(CfnEvaluator template, LocalPhysicalIds ids, EmulatorClients aws, Consumer<String> say) {
        this.template = template;
        this.ids = ids;
        this.aws = aws;
        this.say = say;
    }

    /**
     * @return what was created, logical id to description
     * @throws IllegalStateException when a resource the functions need cannot be created
     */
    public Map<String, String> deploy() {
        Map<String, ResourceProvisioner> pending = new LinkedHashMap<>();
        Map<String, Integer> notCreated = new TreeMap<>();
        for (String id : template.resources().keySet()) {
            String type = template.resourceType(id);
            ResourceProvisioner provisioner = ResourceTypes.of(type);
            if (!template.creates(id)) {
                continue;
            }
            if (provisioner == null) {
                notCreated.merge(type, 1, Integer::sum);
            } else {
                pending.put(id, provisioner);
            }
        }
        Map<String, String> created = new LinkedHashMap<>();
        Map<String, String> waitingOn = new LinkedHashMap<>();
        // Each pass creates what no longer refers to anything missing; a pass that creates nothing ends it.
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            waitingOn.clear();
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                Map<String, Object> properties;
                try {
                    properties = template.resourceProperties(entry.getKey());
                } catch (CfnEvaluator.Unresolvable e) {
                    waitingOn.put(entry.getKey(), e.getMessage());
                    continue;
                }
                it.remove();
                progress = true;
                create(entry.getKey(), entry.getValue(), properties, created);
            }
        }
        List<String> unresolved = new ArrayList<>();
        waitingOn.forEach((id, why) -> {
            String line = id + " (" + template.resourceType(id) + "): " + why;
            if (pending.get(id).neededAtRunTime()) {
                unresolved.add(line);
            } else {
                say.accept("warning: not created: " + line);
            }
        });
        if (!unresolved.isEmpty()) {
            throw new IllegalStateException("cannot create what the functions need: " + String.join("; ", unresolved));
        }
        if (!notCreated.isEmpty()) {
            say.accept(ids.stackName() + ": not emulated (nothing to create locally): " + String.join(", ",
                    notCreated.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).toList()));
        }
        return created;
    }

    private void create(String id, ResourceProvisioner provisioner, Map<String, Object> properties,
                        Map<String, String> created) {
        try {
            ResourceProvisioner.Created c = provisioner.create(id, properties, ids.name(id), aws);
            ids.record(id, c.ref(), c.attributes());
            created.put(id, c.description());
        } catch (RuntimeException e) {
            if (provisioner.neededAtRunTime()) {
                throw new IllegalStateException(ids.stackName() + ": cannot create " + id + " (" + provisioner.type()
                        + "): " + e.getMessage(), e);
            }
            say.accept("warning: " + ids.stackName() + ": " + id + " (" + provisioner.type() + ") not created: "
                    + e.getMessage());
        }
    }
}
