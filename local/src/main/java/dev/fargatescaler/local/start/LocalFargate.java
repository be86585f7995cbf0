package dev.fargatescaler.local.start;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.report.RunnerExitCodes;
import dev.fargatescaler.local.LocalDeployment;
import dev.fargatescaler.local.fargate.FargateSimulation;
import dev.fargatescaler.local.fargate.RunnerJobRequests;
import dev.fargatescaler.local.fargate.RunnerDirectory;
import dev.fargatescaler.local.fargate.RunnerModel;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Local mode's simulated Fargate, wired to the pipeline: every task of the environments' clusters is played by a
 * {@link FargateSimulation} a few times a second. With the GitLab double its runners take the double's jobs and
 * the double sends their Job Hooks to the webhook; with a real GitLab no local runner can take a real job, so
 * each waits its idle timeout and exits 79. Takes and exits are shown on the monitor.
 */
final class LocalFargate implements AutoCloseable {

    private final FargateSimulation simulation;
    private final ScheduledFuture<?> ticks;
    private final JobHooks hooks;

    private LocalFargate(FargateSimulation simulation, ScheduledFuture<?> ticks, JobHooks hooks) {
        this.simulation = simulation;
        this.ticks = ticks;
        this.hooks = hooks;
    }

    /**
     * @param webhookUrl where the double sends Job Hooks (null: none)
     */
    static LocalFargate start(RunnerModel model, LocalDeployment deployment, List<EcsEventSource.Cluster> clusters,
                              String ownAccount, String webhookUrl, Path root, Monitor monitor,
                              ScheduledExecutorService scheduler) throws IOException {
        GitLabDouble gitLab = deployment.gitLab();
        Map<Environment, String> accounts = new LinkedHashMap<>();
        deployment.environments().forEach(e -> accounts.put(e.environment(),
                e.account() == null ? ownAccount : e.account()));
        FargateSimulation simulation = new FargateSimulation(model, gitLab != null ? gitLab : RunnerJobRequests.NONE,
                new RunnerDirectory(accounts), new EmulatorTasks(deployment.aws().ecs(), clusters, ownAccount),
                Clock.systemUTC());
        simulation.listen(new MonitorListener(monitor));
        ScheduledFuture<?> ticks = scheduler.scheduleWithFixedDelay(() -> {
            try {
                simulation.tick();
            } catch (RuntimeException e) {
                monitor.functionError("Fargate simulation", e.toString());
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
        JobHooks hooks = null;
        if (webhookUrl != null && gitLab != null) {
            hooks = new JobHooks(URI.create(webhookUrl),
                    deployment.stack().config().secrets().get("local/gitlab-webhook-token"), root,
                    problem -> monitor.functionError("GitLab double", problem));
            gitLab.sendHooks(hooks);
        }
        monitor.info("setup", "Fargate simulated: tasks provision for " + model.provisioningDelay().toSeconds()
                + " s, then their runner " + (gitLab != null
                ? "takes pending jobs of its tags from the GitLab double (asking every "
                        + model.pollInterval().toMillis() / 1000d + " s); the double sends Job Hooks to the webhook"
                : "waits for a job it cannot get (a real GitLab's jobs run on no local task) and exits idle"));
        return new LocalFargate(simulation, ticks, hooks);
    }

    FargateSimulation simulation() {
        return simulation;
    }

    @Override
    public void close() {
        ticks.cancel(false);
        if (hooks != null) {
            hooks.close();
        }
    }

    /** One line per take and per exit, in the monitor's words. */
    private record MonitorListener(Monitor monitor) implements FargateSimulation.Listener {
        @Override
        public void taken(FargateSimulation.Take take) {
            monitor.info("runner", take.environment() + ": " + (take.pool() ? "warm-pool task " : "task ")
                    + Monitor.shortId(take.taskArn()) + " took job " + take.jobId() + " after "
                    + String.format(Locale.ROOT, "%.1f", take.queued().toMillis() / 1000d) + " s in the queue");
        }

        @Override
        public void exited(String taskArn, String environment, boolean pool, Integer exitCode) {
            monitor.info("runner", environment + ": " + (pool ? "warm-pool task " : "task ")
                    + Monitor.shortId(taskArn) + " exited " + (exitCode == null ? "before its container started"
                    : exitCode + " (" + meaning(exitCode) + ")"));
        }

        private static String meaning(int exitCode) {
            return switch (exitCode) {
                case RunnerExitCodes.JOB_RAN -> "ran its job";
                case RunnerExitCodes.NO_JOB -> "idle: no job within its wait";
                case RunnerModel.EXIT_SIGTERM -> "stopped by SIGTERM";
                default -> "runner exit code";
            };
        }
    }
}
