package dev.fargatescaler.domain.environment;

/**
 * Optional description of an environment's task size, for cost estimates when an ECS event lacks it. The
 * reporter prefers the {@code cpu}/{@code memory} that ECS reports for the task itself.
 *
 * @param cpu          task CPU units (1024 = 1 vCPU), or null
 * @param memoryMiB    task memory in MiB, or null
 * @param architecture {@code X86_64} or {@code ARM64}, or null
 */
public record CostHints(Integer cpu, Integer memoryMiB, String architecture) {

    public static final CostHints NONE = new CostHints(null, null, null);
}
