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
