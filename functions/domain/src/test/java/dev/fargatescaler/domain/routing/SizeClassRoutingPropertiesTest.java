package dev.fargatescaler.domain.routing;

import static dev.fargatescaler.domain.environment.TestEnvironments.environment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.Guards;
import dev.fargatescaler.domain.environment.LaunchMode;
import dev.fargatescaler.domain.environment.SizeClass;
import dev.fargatescaler.domain.environment.TaskSize;
import dev.fargatescaler.domain.environment.TestEnvironments;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Routing with size classes against GitLab's rule, computed here on its own: a runner takes a job when every job
 * tag is among the runner's tags; an environment's runners are its own and one per size class, with the tag
 * lists the parser allows (a class shares no tag with its environment or another class).
 */
class SizeClassRoutingPropertiesTest {

    private static final List<String> ENVIRONMENT_TAGS = List.of("fargate", "dev", "staging", "production");
    private static final List<String> CLASS_A_TAGS = List.of("big", "xl");
    private static final List<String> CLASS_B_TAGS = List.of("huge", "gpu");

    @Provide
    Arbitrary<List<String>> jobTags() {
        List<String> all = new ArrayList<>(ENVIRONMENT_TAGS);
        all.addAll(CLASS_A_TAGS);
        all.addAll(CLASS_B_TAGS);
        return Arbitraries.of(all).set().ofMaxSize(3).map(ArrayList::new);
    }

    @Provide
    Arbitrary<Environments> environments() {
        Arbitrary<Environment> one = Combinators.combine(
                Arbitraries.of(ENVIRONMENT_TAGS).set().ofMaxSize(3),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(-1, 1),
                Arbitraries.of(CLASS_A_TAGS).set().ofMaxSize(2),
                Arbitraries.of(CLASS_B_TAGS).set().ofMaxSize(2))
                .as((tags, untagged, priority, a, b) -> {
                    List<SizeClass> classes = new ArrayList<>();
                    if (!a.isEmpty()) {
                        classes.add(new SizeClass("a", a, new TaskSize(4096, 8192, null), 1));
                    }
                    if (!b.isEmpty()) {
                        classes.add(new SizeClass("b", b, new TaskSize(8192, 16384, 50), 2));
                    }
                    return TestEnvironments.withSizeClasses(environment("e", tags, untagged || tags.isEmpty(),
                            priority, 10, Guards.NONE, LaunchMode.fargate()), classes.toArray(SizeClass[]::new));
                });
        return one.list().ofMinSize(1).ofMaxSize(4).map(list -> {
            List<Environment> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Environment e = list.get(i);
                named.add(TestEnvironments.withSizeClasses(environment("env" + i, e.tags(), e.runUntagged(),
                        e.priority(), 10, e.guards(), e.launchMode()), e.sizeClasses().toArray(SizeClass[]::new)));
            }
            return new Environments(named);
        });
    }

    /** GitLab's accepting_tags?: untagged only with run_untagged; else every job tag among the runner's. */
    private static boolean takes(Set<String> runnerTags, boolean runUntagged, List<String> jobTags) {
        return jobTags.isEmpty() ? runUntagged : runnerTags.containsAll(jobTags);
    }

    @Property
    void aJobGoesToARunnerGitLabWouldGiveItTo(@ForAll("environments") Environments environments,
                                              @ForAll("jobTags") List<String> tags) {
        RoutingDecision decision = new Router(environments).route(new RoutableJob(1, "g/p", "main", tags));

        if (decision instanceof RoutingDecision.Routed routed) {
            Environment env = routed.environment();
            if (routed.sizeClass() == null) {
                assertThat(takes(env.tags(), env.runUntagged(), tags)).isTrue();
            } else {
                assertThat(env.sizeClasses()).contains(routed.sizeClass());
                assertThat(takes(routed.sizeClass().tags(), false, tags)).isTrue();
                // No other runner of the environment could take it: the task goes to the only one that can.
                assertThat(takes(env.tags(), env.runUntagged(), tags)).isFalse();
                assertThat(env.sizeClasses()).filteredOn(c -> c != routed.sizeClass())
                        .noneMatch(c -> takes(c.tags(), false, tags));
            }
        }
    }

    @Property
    void aJobIsUnroutableExactlyWhenNoRunnerOfAnyEnvironmentTakesIt(@ForAll("environments") Environments environments,
                                                                    @ForAll("jobTags") List<String> tags) {
        boolean someRunner = environments.all().stream().anyMatch(e -> takes(e.tags(), e.runUntagged(), tags)
                || e.sizeClasses().stream().anyMatch(c -> takes(c.tags(), false, tags)));

        assertThat(new Router(environments).route(new RoutableJob(1, "g/p", "main", tags))
                instanceof RoutingDecision.Unroutable).isEqualTo(!someRunner);
    }
}
