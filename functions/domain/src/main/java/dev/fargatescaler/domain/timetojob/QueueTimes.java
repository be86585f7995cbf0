package dev.fargatescaler.domain.timetojob;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.EnvironmentsProvider;
import dev.fargatescaler.domain.environment.EnvironmentsSnapshot;
import dev.fargatescaler.domain.metrics.MetricUnit;
import dev.fargatescaler.domain.metrics.Metrics;
import dev.fargatescaler.domain.webhook.RunningJobs;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time to job as GitLab measures it: for each {@code running} Job Hook, the job's queue time
 * ({@code build_queued_duration}) as the {@value #QUEUE_TIME} metric (milliseconds) of the environment whose
 * runner took it. The environment is the one whose configured tags are exactly the runner's tags: each
 * environment has its own GitLab runner, registered with the environment's tags ({@code RunnerTags} of its
 * stack, docs/deploy.md). A runner that matches no environment, or several, is counted as
 * {@value #UNATTRIBUTED} with a reason, and its queue time is recorded without an environment (the function's
 * total only), so a tag mismatch shows on the dashboard instead of silently dropping data.
 *
 * <p>Cost: no GitLab call, no AWS call of its own. It reads the environments from the provider the webhook
 * shares with the other functions' wiring: with {@code ENVIRONMENTS_SSM_PATH}, one {@code GetParametersByPath}
 * per container per refresh period ({@code ENVIRONMENTS_REFRESH_SECONDS}, default 60 s), made on the first
 * {@code running} hook after the period ends.
 */
public final class QueueTimes implements RunningJobs {

    public static final String QUEUE_TIME = "JobQueueTime";
    public static final String UNATTRIBUTED = "QueueTimeUnattributed";

    private static final Logger LOG = LoggerFactory.getLogger(QueueTimes.class);

    private final EnvironmentsProvider environments;
    private final Metrics metrics;

    /** @param environments null when the webhook is given no environments: queue times are then totals only */
    public QueueTimes(EnvironmentsProvider environments, Metrics metrics) {
        this.environments = environments;
        this.metrics = Objects.requireNonNull(metrics);
    }

    @Override
    public void running(JsonNode hook) {
        try {
            JobStartParser.parse(hook).ifPresent(this::record);
        } catch (RuntimeException e) {
            // Never let a measurement change the webhook's answer.
            LOG.warn("queue time not recorded: {}", e.toString());
        }
    }

    private void record(JobStart start) {
        long millis = start.queued().toMillis();
        String environment = attribute(start);
        if (environment == null) {
            metrics.record(QUEUE_TIME, millis, MetricUnit.MILLISECONDS, Map.of());
            return;
        }
        metrics.record(QUEUE_TIME, millis, MetricUnit.MILLISECONDS, Map.of("Environment", environment));
        LOG.info("job started job={} environment={} runner={} queued_ms={}", start.jobId(), environment,
                start.runnerId(), millis);
    }

    /** The environment name, or null after counting why there is none. */
    private String attribute(JobStart start) {
        if (environments == null) {
            return null;
        }
        EnvironmentsSnapshot known = environments.current();
        if (!known.available()) {
            unattributed("EnvironmentsUnavailable", start);
            return null;
        }
        List<Environment> matching = known.environments().all().stream()
                .filter(e -> e.tags().equals(start.runnerTags()))
                .toList();
        if (matching.size() == 1) {
            return matching.get(0).name();
        }
        unattributed(matching.isEmpty() ? "NoEnvironment" : "Ambiguous", start);
        return null;
    }

    private void unattributed(String reason, JobStart start) {
        metrics.count(UNATTRIBUTED, "Reason", reason);
        LOG.info("job started job={} runner={} runner_tags={}: queue time not attributed ({})", start.jobId(),
                start.runnerId(), start.runnerTags(), reason);
    }
}
