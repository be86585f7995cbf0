package dev.fargatescaler.domain.routing;

import static dev.fargatescaler.domain.environment.TestEnvironments.environment;
import static dev.fargatescaler.domain.environment.TestEnvironments.large;
import static dev.fargatescaler.domain.environment.TestEnvironments.withSizeClasses;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.Guards;
import dev.fargatescaler.domain.environment.LaunchMode;
import dev.fargatescaler.domain.environment.SizeClass;
import dev.fargatescaler.domain.environment.TaskSize;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Routing to size classes, within GitLab's rule: a runner takes a job when its tags include all of the job's. */
class SizeClassRoutingTest {

    private static final SizeClass XL = new SizeClass("xl", Set.of("dev-xl"), new TaskSize(16384, 32768, 200), 2);
    private final Environment dev = withSizeClasses(
            environment("dev", Set.of("fargate", "dev"), true, 0, 10, Guards.NONE, LaunchMode.fargate()),
            large("dev-large", "dev-big"), XL);
    private final Router router = new Router(new Environments(List.of(dev,
            environment("staging", Set.of("fargate", "staging")))));

    private static RoutableJob job(String... tags) {
        return new RoutableJob(1, "a/b", "main", List.of(tags));
    }

    private RoutingDecision.Routed routed(String... tags) {
        RoutingDecision decision = router.route(job(tags));
        assertThat(decision).isInstanceOf(RoutingDecision.Routed.class);
        return (RoutingDecision.Routed) decision;
    }

    @Test
    void aJobWhoseTagsAreAllAClassRunnersGoesToThatClass() {
        assertThat(routed("dev-large").sizeClass().name()).isEqualTo("large");
        assertThat(routed("dev-big", "dev-large").sizeClassName()).isEqualTo("large");
        assertThat(routed("dev-xl").sizeClass()).isEqualTo(XL);
        assertThat(routed("dev-xl").environment().name()).isEqualTo("dev");
    }

    @Test
    void plainEnvironmentAndUntaggedJobsGetTheDefaultSize() {
        assertThat(routed("fargate", "dev").sizeClass()).isNull();
        assertThat(routed("dev").sizeClassName()).isEqualTo(SizeClass.DEFAULT_NAME);
        assertThat(routed().sizeClass()).isNull();
        assertThat(routed().environment().name()).isEqualTo("dev");
        assertThat(routed("staging").sizeClass()).isNull();
    }

    @Test
    void aJobThatNoSingleRunnerTakesIsUnroutable() {
        // GitLab would leave these pending: no runner has all of their tags.
        assertThat(router.route(job("dev", "dev-large"))).isInstanceOf(RoutingDecision.Unroutable.class);
        assertThat(router.route(job("dev-large", "dev-xl"))).isInstanceOf(RoutingDecision.Unroutable.class);
    }

    @Test
    void aClassKeepsItsEnvironmentsGuards() {
        Environment guarded = withSizeClasses(environment("production", Set.of("production"), false, 0, 5,
                new Guards(Set.of(42L), Set.of(), Pattern.compile("main")), LaunchMode.fargate()),
                large("production-large"));
        Router guardedRouter = new Router(new Environments(List.of(guarded)));

        assertThat(guardedRouter.route(new RoutableJob(7, "x/y", "main", List.of("production-large"))))
                .isInstanceOf(RoutingDecision.Refused.class);
        assertThat(guardedRouter.route(new RoutableJob(42, "x/y", "main", List.of("production-large"))))
                .isInstanceOfSatisfying(RoutingDecision.Routed.class,
                        r -> assertThat(r.sizeClassName()).isEqualTo("large"));
    }

    @Test
    void acrossEnvironmentsTheEnvironmentsPriorityDecides() {
        Environment low = withSizeClasses(environment("low", Set.of("low"), false, 0, 5, Guards.NONE,
                LaunchMode.fargate()), large("big"));
        Environment high = environment("high", Set.of("big", "high"), false, 10, 5, Guards.NONE,
                LaunchMode.fargate());
        RoutingDecision.Routed r = (RoutingDecision.Routed) new Router(new Environments(List.of(low, high)))
                .route(job("big"));
        assertThat(r.environment().name()).isEqualTo("high");
        assertThat(r.sizeClass()).isNull();
        assertThat(r.candidates()).containsExactly("high", "low");
    }
}
