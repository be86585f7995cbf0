package dev.fargatescaler.domain.routing;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.SizeClass;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outcome of routing one job. Every variant says what was considered, for the log line. */
public sealed interface RoutingDecision {

    /**
     * The job goes to {@code environment}, at the size of {@code sizeClass} (null: the environment's own size).
     * {@code candidates} were the matching environments, best first.
     */
    record Routed(Environment environment, SizeClass sizeClass, List<String> candidates) implements RoutingDecision {
        public Routed {
            candidates = List.copyOf(candidates);
        }

        /** Routed at the environment's own size. */
        public Routed(Environment environment, List<String> candidates) {
            this(environment, null, candidates);
        }

        /** The size class's name, or {@link SizeClass#DEFAULT_NAME}. */
        public String sizeClassName() {
            return sizeClass == null ? SizeClass.DEFAULT_NAME : sizeClass.name();
        }
    }

    /** No environment serves all of the job's tags (or, for an untagged job, none has runUntagged). */
    record Unroutable(List<String> jobTags, List<String> considered) implements RoutingDecision {
        public Unroutable {
            jobTags = List.copyOf(jobTags);
            considered = List.copyOf(considered);
        }

        public String why() {
            return jobTags.isEmpty()
                    ? "the job is untagged and no environment has runUntagged"
                    : "no environment serves all of the job's tags " + jobTags;
        }
    }

    /** Environments serve the job's tags, but the guards of every one of them refuse the job. */
    record Refused(List<String> jobTags, Map<String, String> refusals) implements RoutingDecision {
        public Refused {
            jobTags = List.copyOf(jobTags);
            refusals = Collections.unmodifiableMap(new LinkedHashMap<>(refusals));
        }

        /** The environment that would have been chosen without guards: metrics are counted under it. */
        public String firstCandidate() {
            return refusals.keySet().iterator().next();
        }
    }
}
