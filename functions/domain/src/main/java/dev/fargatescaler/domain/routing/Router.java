package dev.fargatescaler.domain.routing;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.SizeClass;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Chooses the environment for a job, the way GitLab would choose among the environments' runners, but
 * deterministically.
 *
 * <ol>
 *   <li><b>Tags</b>: an environment is a candidate when its tags include ALL of the job's tags (GitLab's
 *       rule: a runner takes a job when every job tag is among the runner's tags). An untagged job has only
 *       the environments with {@code runUntagged: true} as candidates (GitLab's {@code run_untagged}).
 *       Tags compare exactly (case-sensitive), as GitLab stores them.</li>
 *   <li><b>Ties</b>: candidates are ordered by {@code priority}, highest first, then by configured order.
 *       Because GitLab hands a job to whichever matching runner asks first, an explicit order is the only
 *       way to make the choice predictable: give the most specific environment the highest priority.</li>
 *   <li><b>Size classes</b>: within an environment, a job goes to the runner whose tags include all of its tags:
 *       the environment's own runner (its own size), or else the first of its size classes whose tags do. The
 *       parser makes a class's tags disjoint from the environment's and from the other classes' tags, so at most
 *       one runner of an environment matches a tagged job, and this order never has to break a tie. An untagged
 *       job never goes to a size class (a class runner must not run untagged jobs). A class inherits its
 *       environment's priority and guards.</li>
 *   <li><b>Guards</b>: the first candidate whose guards accept the job wins. Guards only ever narrow the
 *       candidates, which all carry every job tag, so a refused job can never land in an environment that
 *       lacks one of its tags. When every candidate refuses, the job is {@link RoutingDecision.Refused}.</li>
 * </ol>
 */
public final class Router {

    private final Supplier<Environments> environments;

    public Router(Environments environments) {
        java.util.Objects.requireNonNull(environments);
        this.environments = () -> environments;
    }

    /** Routes with whatever list {@code environments} holds at each call (a refreshing provider). */
    public Router(Supplier<Environments> environments) {
        this.environments = java.util.Objects.requireNonNull(environments);
    }

    public RoutingDecision route(RoutableJob job) {
        Environments environments = this.environments.get();
        List<Environment> candidates = candidates(environments, job);
        if (candidates.isEmpty()) {
            return new RoutingDecision.Unroutable(job.tags(), environments.names());
        }
        List<String> names = candidates.stream().map(Environment::name).toList();
        Map<String, String> refusals = new LinkedHashMap<>();
        for (Environment candidate : candidates) {
            Optional<String> refusal = candidate.guards().refusal(job.projectId(), job.projectPath(), job.ref());
            if (refusal.isEmpty()) {
                return new RoutingDecision.Routed(candidate, sizeClass(candidate, job).orElse(null), names);
            }
            refusals.put(candidate.name(), refusal.get());
        }
        return new RoutingDecision.Refused(job.tags(), refusals);
    }

    /** The environments whose tags admit the job, best first (priority, then configured order). */
    public List<Environment> candidates(RoutableJob job) {
        return candidates(environments.get(), job);
    }

    private static List<Environment> candidates(Environments environments, RoutableJob job) {
        List<Environment> matching = new ArrayList<>();
        for (Environment environment : environments.all()) {
            if (admits(environment, job)) {
                matching.add(environment);
            }
        }
        // List.sort is stable: equal priorities keep the configured order.
        matching.sort(Comparator.comparingInt(Environment::priority).reversed());
        return matching;
    }

    static boolean admits(Environment environment, RoutableJob job) {
        if (job.tags().isEmpty()) {
            return environment.runUntagged();
        }
        return environment.tags().containsAll(job.tags()) || sizeClass(environment, job).isPresent();
    }

    /**
     * The size class of {@code environment} that takes the job: empty when the environment's own runner does
     * (its tags include the job's, or the job is untagged) or when none does.
     */
    static Optional<SizeClass> sizeClass(Environment environment, RoutableJob job) {
        if (job.tags().isEmpty() || environment.tags().containsAll(job.tags())) {
            return Optional.empty();
        }
        return environment.sizeClasses().stream().filter(c -> c.tags().containsAll(job.tags())).findFirst();
    }
}
