package dev.fargatescaler.domain.routing;

import static dev.fargatescaler.domain.environment.TestEnvironments.environment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.Guards;
import dev.fargatescaler.domain.environment.LaunchMode;
import dev.fargatescaler.domain.environment.TestEnvironments;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class RouterPropertiesTest {

    private static final List<String> TAG_POOL = List.of("fargate", "dev", "staging", "production", "gpu", "arm",
            "docker", "large");

    @Provide
    Arbitrary<List<String>> jobTags() {
        return Arbitraries.of(TAG_POOL).set().ofMaxSize(4).map(ArrayList::new);
    }

    @Provide
    Arbitrary<Environments> environments() {
        Arbitrary<Environment> one = Combinators.combine(
                Arbitraries.of(TAG_POOL).set().ofMaxSize(5),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(-2, 2),
                Arbitraries.longs().between(1, 5).set().ofMaxSize(2))
                .as((tags, untagged, priority, projects) -> environment("e", tags, untagged || tags.isEmpty(),
                        priority, 10, new Guards(projects, Set.of(), null), LaunchMode.fargate()));
        return one.list().ofMinSize(1).ofMaxSize(5).map(list -> {
            List<Environment> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Environment e = list.get(i);
                named.add(environment("env" + i, e.tags(), e.runUntagged(), e.priority(), 10, e.guards(),
                        e.launchMode()));
            }
            return new Environments(named);
        });
    }

    @Property
    void aRoutedJobLandsWhereEveryOneOfItsTagsIsServed(@ForAll("environments") Environments environments,
                                                       @ForAll("jobTags") List<String> tags,
                                                       @ForAll("projects") long project) {
        RoutingDecision decision = new Router(environments).route(new RoutableJob(project, "g/p", "main", tags));

        if (decision instanceof RoutingDecision.Routed routed) {
            assertThat(routed.environment().tags()).containsAll(tags);
            if (tags.isEmpty()) {
                assertThat(routed.environment().runUntagged()).isTrue();
            }
            assertThat(routed.environment().guards().refusal(project, "g/p", "main")).isEmpty();
        }
    }

    @Property
    void aJobIsUnroutableExactlyWhenNoEnvironmentAdmitsIt(@ForAll("environments") Environments environments,
                                                         @ForAll("jobTags") List<String> tags) {
        RoutableJob job = new RoutableJob(1, "g/p", "main", tags);
        boolean someAdmits = environments.all().stream().anyMatch(e -> Router.admits(e, job));

        assertThat(new Router(environments).route(job) instanceof RoutingDecision.Unroutable).isEqualTo(!someAdmits);
    }

    @Property
    void theChosenEnvironmentHasTheHighestPriorityAmongAcceptingCandidates(
            @ForAll("environments") Environments environments, @ForAll("jobTags") List<String> tags,
            @ForAll("projects") long project) {
        RoutableJob job = new RoutableJob(project, "g/p", "main", tags);
        RoutingDecision decision = new Router(environments).route(job);

        if (decision instanceof RoutingDecision.Routed routed) {
            Set<String> outranking = new HashSet<>();
            for (Environment e : environments.all()) {
                if (e == routed.environment()) {
                    break;
                }
                if (Router.admits(e, job) && e.guards().refusal(project, "g/p", "main").isEmpty()
                        && e.priority() >= routed.environment().priority()) {
                    outranking.add(e.name());
                }
            }
            for (Environment e : environments.all()) {
                if (Router.admits(e, job) && e.guards().refusal(project, "g/p", "main").isEmpty()) {
                    assertThat(e.priority()).isLessThanOrEqualTo(routed.environment().priority());
                }
            }
            assertThat(outranking).isEmpty();
        }
    }

    @Property
    void productionNeverRunsAProjectOutsideItsGuards(@ForAll("projects") long project,
                                                     @ForAll("jobTags") List<String> tags,
                                                     @ForAll("refs") String ref) {
        RoutingDecision decision = new Router(TestEnvironments.devStagingProduction())
                .route(new RoutableJob(project, "team/app", ref, tags));

        if (decision instanceof RoutingDecision.Routed routed && routed.environment().name().equals("production")) {
            assertThat(project).isEqualTo(42L);
            assertThat(ref).isEqualTo("main");
        }
    }

    @Provide
    Arbitrary<Long> projects() {
        return Arbitraries.longs().between(1, 50).edgeCases(c -> c.add(42L));
    }

    @Provide
    Arbitrary<String> refs() {
        return Arbitraries.of("main", "develop", "main2", "feature/main", "release/1");
    }
}
