package dev.fargatescaler.domain.environment;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Environments for tests, built directly (the parser has its own tests). */
public final class TestEnvironments {

    private TestEnvironments() {
    }

    public static Environment environment(String name, Set<String> tags, boolean runUntagged, int priority,
                                          int maxConcurrentTasks, Guards guards, LaunchMode launchMode) {
        return new Environment(name, tags, runUntagged, priority, "glfs-" + name, "glfs-runner-" + name,
                "runner", List.of("subnet-0123456789abcdef0"), List.of("sg-0123456789abcdef0"), false,
                launchMode, "LATEST", maxConcurrentTasks, Duration.ofHours(3), Duration.ofMinutes(10), guards,
                CostHints.NONE);
    }

    public static Environment environment(String name, Set<String> tags) {
        return environment(name, tags, false, 0, 10, Guards.NONE, LaunchMode.fargate());
    }

    /** {@code base} with these size classes. */
    public static Environment withSizeClasses(Environment base, SizeClass... classes) {
        return new Environment(base.name(), base.tags(), base.runUntagged(), base.priority(), base.cluster(),
                base.taskDefinition(), base.containerName(), base.subnets(), base.securityGroups(),
                base.assignPublicIp(), base.launchMode(), base.platformVersion(), base.maxConcurrentTasks(),
                base.maxTaskLifetime(), base.stuckBeforeRunningTimeout(), base.guards(), base.costHints(),
                List.of(classes));
    }

    /** A class {@code large} (4 vCPU, 16 GiB, 100 GiB storage, token slot 1) with the given tags. */
    public static SizeClass large(String... tags) {
        return new SizeClass("large", Set.of(tags), new TaskSize(4096, 16384, 100), 1);
    }

    /** dev (untagged jobs too), staging, production (guarded: project 42 or platform/*, ref main). */
    public static Environments devStagingProduction() {
        return new Environments(List.of(
                environment("dev", Set.of("fargate", "dev"), true, 0, 10, Guards.NONE, LaunchMode.fargate()),
                environment("staging", Set.of("fargate", "staging"), false, 0, 10, Guards.NONE,
                        LaunchMode.fargateSpot(true)),
                environment("production", Set.of("fargate", "production"), false, 0, 5,
                        new Guards(Set.of(42L), Set.of("platform/*"), java.util.regex.Pattern.compile("main")),
                        LaunchMode.fargate())));
    }
}
