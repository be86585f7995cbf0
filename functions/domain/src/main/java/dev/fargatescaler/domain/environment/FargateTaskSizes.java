package dev.fargatescaler.domain.environment;

import java.util.List;
import java.util.Optional;

/**
 * The task sizes Fargate accepts (Linux), so that a size class that RunTask would refuse is rejected when the
 * configuration is read, not when a job is waiting. AWS's table of valid CPU and memory combinations:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 * (the same table: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html).
 * Ephemeral storage: 21 to 200 GiB (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html).
 * 8 and 16 vCPU, and the ephemeral storage override, need Linux platform version 1.4.0 or later.
 */
public final class FargateTaskSizes {

    public static final int MIN_EPHEMERAL_STORAGE_GIB = 21;
    public static final int MAX_EPHEMERAL_STORAGE_GIB = 200;

    /** One row of AWS's table: for {@code cpu}, memory from {@code min} to {@code max} MiB in steps of {@code step}. */
    record Row(int cpu, int min, int max, int step, boolean needsPlatform14) {
        boolean allows(int memory) {
            if (cpu == 256) {
                // The table lists 512 MiB, 1 GB and 2 GB only: no 1536.
                return memory == 512 || memory == 1024 || memory == 2048;
            }
            return memory >= min && memory <= max && (memory - min) % step == 0;
        }

        String memoryRange() {
            if (cpu == 256) {
                return "512, 1024 or 2048 MiB";
            }
            return min + " to " + max + " MiB in steps of " + step;
        }
    }

    static final List<Row> TABLE = List.of(
            new Row(256, 512, 2048, 512, false),
            new Row(512, 1024, 4096, 1024, false),
            new Row(1024, 2048, 8192, 1024, false),
            new Row(2048, 4096, 16384, 1024, false),
            new Row(4096, 8192, 30720, 1024, false),
            new Row(8192, 16384, 61440, 4096, true),
            new Row(16384, 32768, 122880, 8192, true));

    private FargateTaskSizes() {
    }

    /** Why Fargate would refuse this CPU and memory, or empty when the combination is valid. */
    public static Optional<String> problem(int cpu, int memoryMiB) {
        for (Row row : TABLE) {
            if (row.cpu() == cpu) {
                if (!row.allows(memoryMiB)) {
                    return Optional.of("memory " + memoryMiB + " MiB is not a Fargate size for cpu " + cpu
                            + ": with cpu " + cpu + " Fargate allows " + row.memoryRange()
                            + " (AWS's table of task CPU and memory: docs/configuration.md, \"Size classes\")");
                }
                return Optional.empty();
            }
        }
        return Optional.of("cpu " + cpu + " is not a Fargate task CPU: use 256, 512, 1024, 2048, 4096, 8192 or "
                + "16384 (1024 = 1 vCPU)");
    }

    /** Why Fargate would refuse this ephemeral storage size, or empty. */
    public static Optional<String> storageProblem(int gib) {
        if (gib < MIN_EPHEMERAL_STORAGE_GIB || gib > MAX_EPHEMERAL_STORAGE_GIB) {
            return Optional.of("ephemeralStorageGiB " + gib + " is outside Fargate's " + MIN_EPHEMERAL_STORAGE_GIB
                    + " to " + MAX_EPHEMERAL_STORAGE_GIB + " GiB");
        }
        return Optional.empty();
    }

    /** Whether this size needs Linux platform version 1.4.0 or later (8 or 16 vCPU, or an ephemeral storage override). */
    public static boolean needsPlatform14(TaskSize size) {
        if (size.ephemeralStorageGiB() != null) {
            return true;
        }
        return TABLE.stream().anyMatch(row -> row.cpu() == size.cpu() && row.needsPlatform14());
    }
}
