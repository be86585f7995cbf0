package dev.fargatescaler.local.fargate;

import java.time.Duration;

/**
 * How the simulated Fargate tasks and their runners behave in time (local mode has no real Fargate and runs no
 * container, so these stand in for what AWS and gitlab-runner do).
 *
 * @param provisioningDelay  RunTask to RUNNING: ENI attachment, image pull and container start, 30-90 s on Fargate
 *                           for the runner image (issue 13's default is 30 s). Split as ECS reports it:
 *                           PROVISIONING (ENI), PENDING (image pull: {@code pullStartedAt}..{@code pullStoppedAt}),
 *                           ACTIVATING, then RUNNING ({@code startedAt}); the order is ECS's task lifecycle,
 *                           https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html
 * @param pollInterval       how often an idle runner asks GitLab for a job: gitlab-runner's {@code run-single} loop
 *                           waits {@code common.CheckInterval} (3 s, {@code common/consts.go}) after an empty
 *                           answer ({@code commands/single.go}, {@code processBuild}) and asks at once after start
 * @param stopStep           how long a stopping task stays in each of DEACTIVATING, STOPPING and DEPROVISIONING
 *                           (ENI detachment; a few seconds on Fargate)
 * @param defaultJobDuration how long a job runs when {@code local/gitlab-jobs.json} gives it no {@code duration}
 */
public record RunnerModel(Duration provisioningDelay, Duration pollInterval, Duration stopStep,
                          Duration defaultJobDuration) {

    public static final Duration DEFAULT_PROVISIONING_DELAY = Duration.ofSeconds(30);
    public static final Duration GITLAB_RUNNER_CHECK_INTERVAL = Duration.ofSeconds(3);

    /** 128 + SIGTERM: the entrypoint forwards ECS's SIGTERM to run-single and exits with it. */
    public static final int EXIT_SIGTERM = 143;
    /** The runner's own default wait for a first job when the task sets none ({@code runner/entrypoint.sh}). */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

    public RunnerModel {
        requirePositive("provisioningDelay", provisioningDelay);
        requirePositive("pollInterval", pollInterval);
        requirePositive("stopStep", stopStep);
        requirePositive("defaultJobDuration", defaultJobDuration);
    }

    /** The model with Fargate's provisioning delay given and gitlab-runner's own intervals. */
    public static RunnerModel withProvisioningDelay(Duration provisioningDelay) {
        return new RunnerModel(provisioningDelay, GITLAB_RUNNER_CHECK_INTERVAL, Duration.ofSeconds(1),
                Duration.ofSeconds(5));
    }

    public static RunnerModel defaults() {
        return withProvisioningDelay(DEFAULT_PROVISIONING_DELAY);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}
