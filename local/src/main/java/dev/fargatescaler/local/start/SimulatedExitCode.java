package dev.fargatescaler.local.start;

import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The exit code a simulated runner container reports in the ECS task state change event. moto never runs the
 * container, so by default the event carries what the emulator reports (0 once stopped, or none). The seam for
 * simulating other runner outcomes (e.g. the runner's own exit codes for "ran no job" or "token refused", see
 * runner/): an implementation decides per task and container.
 */
@FunctionalInterface
public interface SimulatedExitCode {

    /** @return the exit code to report, or null to report none */
    Integer exitCode(Task task, Container container);

    SimulatedExitCode AS_THE_EMULATOR_REPORTS = (task, container) -> container.exitCode();
}
