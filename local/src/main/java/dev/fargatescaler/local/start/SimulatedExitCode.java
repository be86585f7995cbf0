package dev.fargatescaler.local.start;

import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The exit code a runner container reports in the ECS task state change event. By default the event carries what
 * DescribeTasks reports: with local mode's Fargate simulation, the simulated runner's own exit code (0 ran a job,
 * 79 idle, 143 stopped; runner/entrypoint.sh). The seam for other outcomes in tests (e.g. 77, token refused): an
 * implementation decides per task and container.
 */
@FunctionalInterface
public interface SimulatedExitCode {

    /** @return the exit code to report, or null to report none */
    Integer exitCode(Task task, Container container);

    SimulatedExitCode AS_THE_EMULATOR_REPORTS = (task, container) -> container.exitCode();
}
