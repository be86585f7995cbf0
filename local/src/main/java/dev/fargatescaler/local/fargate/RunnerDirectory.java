package dev.fargatescaler.local.fargate;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.SizeClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which GitLab runner a task registers as, from where it runs and the token RunTask named: the environment of
 * the task's cluster (by account and cluster name), and its size class when {@code RUNNER_TOKEN_VARIABLE} names a
 * class's token slot ({@code CI_SERVER_TOKEN_<slot>}, the entrypoint's contract, docs/configuration.md).
 */
public final class RunnerDirectory {

    private record Entry(String account, Environment environment, RunnerIdentity own, Map<Integer, RunnerIdentity> classes) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /**
     * @param environments each environment with the account its cluster is in
     */
    public RunnerDirectory(Map<Environment, String> environments) {
        long id = 1;
        for (Map.Entry<Environment, String> e : environments.entrySet()) {
            Environment environment = e.getKey();
            RunnerIdentity own = new RunnerIdentity(id++, "glfs-" + environment.name(), environment.name(), null,
                    List.copyOf(environment.tags()), environment.runUntagged());
            Map<Integer, RunnerIdentity> classes = new java.util.LinkedHashMap<>();
            for (SizeClass sizeClass : environment.sizeClasses()) {
                classes.put(sizeClass.tokenSlot(), new RunnerIdentity(id++, "glfs-" + environment.name() + "-"
                        + sizeClass.name(), environment.name(), sizeClass.name(), List.copyOf(sizeClass.tags()), false));
            }
            entries.add(new Entry(e.getValue(), environment, own, classes));
        }
    }

    /** The runner of a task in {@code clusterArn}; empty for a cluster no environment uses. */
    public Optional<RunnerIdentity> runnerOf(String clusterArn, String tokenVariable) {
        for (Entry entry : entries) {
            if (clusterArn.endsWith(":" + entry.account() + ":cluster/" + entry.environment().clusterName())) {
                if (tokenVariable != null && tokenVariable.matches("CI_SERVER_TOKEN_[0-9]+")) {
                    RunnerIdentity sized = entry.classes().get(Integer.parseInt(tokenVariable.substring(16)));
                    if (sized != null) {
                        return Optional.of(sized);
                    }
                }
                return Optional.of(entry.own());
            }
        }
        return Optional.empty();
    }
}
