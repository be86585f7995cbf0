package dev.fargatescaler.domain.environment;

/**
 * A Fargate task size, applied as RunTask task-level overrides ({@code overrides.cpu}, {@code overrides.memory},
 * {@code overrides.ephemeralStorage}) so that one task definition serves every size. Validated by
 * {@link FargateTaskSizes} when the configuration is read.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskOverride.html
 *
 * @param cpu                 task CPU units (1024 = 1 vCPU)
 * @param memoryMiB           task memory in MiB
 * @param ephemeralStorageGiB task ephemeral storage in GiB (21 to 200), or null to keep the task definition's
 */
public record TaskSize(int cpu, int memoryMiB, Integer ephemeralStorageGiB) {

    public TaskSize {
        FargateTaskSizes.problem(cpu, memoryMiB).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        if (ephemeralStorageGiB != null) {
            FargateTaskSizes.storageProblem(ephemeralStorageGiB).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
        }
    }

    /** {@code 4 vCPU, 16 GiB memory, 100 GiB storage}: for log lines. */
    public String describe() {
        String vcpu = cpu % 1024 == 0 ? Integer.toString(cpu / 1024) : Double.toString(cpu / 1024.0);
        String memory = memoryMiB % 1024 == 0 ? memoryMiB / 1024 + " GiB" : memoryMiB + " MiB";
        return vcpu + " vCPU, " + memory + " memory"
                + (ephemeralStorageGiB == null ? "" : ", " + ephemeralStorageGiB + " GiB storage");
    }
}
