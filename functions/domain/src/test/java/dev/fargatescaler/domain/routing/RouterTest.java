package dev.fargatescaler.domain.routing;

import static dev.fargatescaler.domain.environment.TestEnvironments.environment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.Guards;
import dev.fargatescaler.domain.environment.LaunchMode;
import dev.fargatescaler.domain.environment.TestEnvironments;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RouterTest {

    private final Router router = new Router(TestEnvironments.devStagingProduction());

    private static RoutableJob job(long project, String path, String ref, String... tags) {
        return new RoutableJob(project, path, ref, List.of(tags));
    }

    @Test
    void routesToTheEnvironmentServingAllTags() {
        assertThat(router.route(job(1, "a/b", "main", "fargate", "staging")))
                .isInstanceOfSatisfying(RoutingDecision.Routed.class,
                        r -> assertThat(r.environment().name()).isEqualTo("staging"));
        assertThat(router.route(job(1, "a/b", "main", "staging")))
                .isInstanceOfSatisfying(RoutingDecision.Routed.class,
                        r -> assertThat(r.environment().name()).isEqualTo("staging"));
    }

    @Test
    void aJobTagMissingEverywhereIsUnroutable() {
        RoutingDecision decision = router.route(job(1, "a/b", "main", "staging", "gpu"));

        assertThat(decision).isInstanceOfSatisfying(RoutingDecision.Unroutable.class, u -> {
            assertThat(u.jobTags()).containsExactly("staging", "gpu");
            assertThat(u.considered()).containsExactly("dev", "staging", "production");
            assertThat(u.why()).contains("[staging, gpu]");
        });
    }

    @Test
    void tagsAreCaseSensitive() {
        assertThat(router.route(job(1, "a/b", "main", "Staging"))).isInstanceOf(RoutingDecision.Unroutable.class);
    }

    @Test
    void untaggedJobsGoOnlyWhereRunUntaggedIsSet() {
        assertThat(router.route(job(1, "a/b", "main")))
                .isInstanceOfSatisfying(RoutingDecision.Routed.class,
                        r -> assertThat(r.environment().name()).isEqualTo("dev"));

        Router noUntagged = new Router(new Environments(List.of(environment("staging", Set.of("staging")))));
        assertThat(noUntagged.route(job(1, "a/b", "main"))).isInstanceOfSatisfying(
                RoutingDecision.Unroutable.class, u -> assertThat(u.why()).contains("untagged"));
    }

    @Test
    void tiesGoToTheFirstConfiguredEnvironment() {
        Router tie = new Router(new Environments(List.of(
                environment("blue", Set.of("fargate", "blue")),
                environment("green", Set.of("fargate", "green")))));

        assertThat(tie.route(job(1, "a/b", "main", "fargate"))).isInstanceOfSatisfying(
                RoutingDecision.Routed.class, r -> {
                    assertThat(r.environment().name()).isEqualTo("blue");
                    assertThat(r.candidates()).containsExactly("blue", "green");
                });
    }

    @Test
    void higherPriorityWinsOverConfiguredOrder() {
        Router prioritised = new Router(new Environments(List.of(
                environment("blue", Set.of("fargate"), false, 0, 10, Guards.NONE, LaunchMode.fargate()),
                environment("green", Set.of("fargate"), false, 5, 10, Guards.NONE, LaunchMode.fargate()),
                environment("red", Set.of("fargate"), false, 5, 10, Guards.NONE, LaunchMode.fargate()))));

        assertThat(prioritised.route(job(1, "a/b", "main", "fargate"))).isInstanceOfSatisfying(
                RoutingDecision.Routed.class, r -> {
                    assertThat(r.environment().name()).isEqualTo("green");
                    assertThat(r.candidates()).containsExactly("green", "red", "blue");
                });
    }

    @Test
    void guardsAllowTheListedProjectsOnTheAllowedRef() {
        assertThat(router.route(job(42, "any/thing", "main", "production")))
                .isInstanceOf(RoutingDecision.Routed.class);
        assertThat(router.route(job(7, "platform/api", "main", "production")))
                .isInstanceOf(RoutingDecision.Routed.class);
    }

    @Test
    void guardsRefuseOtherProjectsAndRefs() {
        RoutingDecision wrongProject = router.route(job(7, "team/app", "main", "production"));
        RoutingDecision wrongRef = router.route(job(42, "any/thing", "feature/x", "production"));

        assertThat(wrongProject).isInstanceOfSatisfying(RoutingDecision.Refused.class, r -> {
            assertThat(r.firstCandidate()).isEqualTo("production");
            assertThat(r.refusals().get("production")).contains("project 7 (team/app)");
        });
        assertThat(wrongRef).isInstanceOfSatisfying(RoutingDecision.Refused.class,
                r -> assertThat(r.refusals().get("production")).contains("ref \"feature/x\""));
    }

    @Test
    void aRefusingCandidateFallsThroughToTheNextOneThatServesAllTags() {
        Router router = new Router(new Environments(List.of(
                environment("locked", Set.of("fargate"), false, 10, 10,
                        new Guards(Set.of(1L), Set.of(), null), LaunchMode.fargate()),
                environment("open", Set.of("fargate", "other"), false, 0, 10, Guards.NONE,
                        LaunchMode.fargate()))));

        assertThat(router.route(job(2, "x/y", "main", "fargate"))).isInstanceOfSatisfying(
                RoutingDecision.Routed.class, r -> assertThat(r.environment().name()).isEqualTo("open"));
        assertThat(router.route(job(1, "x/y", "main", "fargate"))).isInstanceOfSatisfying(
                RoutingDecision.Routed.class, r -> assertThat(r.environment().name()).isEqualTo("locked"));
    }

    @Test
    void refusalRecordsEveryCandidateInOrder() {
        Router router = new Router(new Environments(List.of(
                environment("a", Set.of("t"), false, 0, 10, new Guards(Set.of(1L), Set.of(), null),
                        LaunchMode.fargate()),
                environment("b", Set.of("t"), false, 0, 10, new Guards(Set.of(), Set.of(), Pattern.compile("main")),
                        LaunchMode.fargate()))));

        assertThat(router.route(job(2, "x/y", "dev", "t"))).isInstanceOfSatisfying(RoutingDecision.Refused.class,
                r -> assertThat(r.refusals().keySet()).containsExactly("a", "b"));
    }
}
