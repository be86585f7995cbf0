package dev.fargatescaler.domain.report;

import dev.fargatescaler.domain.environment.CostHints;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;

/**
 * An estimate of what one task cost: task vCPU and memory times the billed duration at the price of its
 * architecture, less the Spot discount for Fargate Spot tasks. An estimate, not the bill: it leaves out
 * ephemeral storage above the free 20 GiB, data transfer, public IPv4 addresses and image storage.
 *
 * @param cpuUnits     task CPU in ECS units (1024 = 1 vCPU), or null when the event did not say
 * @param memoryMiB    task memory in MiB, or null
 * @param architecture {@code x86_64} or {@code arm64}
 * @param launch       {@code spot} or {@code on-demand}
 * @param usd          the estimate, or null when CPU or memory is unknown
 */
public record CostEstimate(Integer cpuUnits, Integer memoryMiB, String architecture, String launch,
                           Duration billed, Double usd) {

    public static final String SPOT = "spot";
    public static final String ON_DEMAND = "on-demand";
    private static final String FARGATE_SPOT = "FARGATE_SPOT";

    /**
     * @param hints               the environment's {@code cost} hints, used only for what the event does not say
     * @param defaultArchitecture used when neither the event ({@code ecs.cpu-architecture}) nor the hints name
     *                            the architecture
     */
    public static CostEstimate of(TaskStateChange task, PriceTable prices, CostHints hints,
                                  String defaultArchitecture) {
        // A size class's task runs at its RunTask override, which is what Fargate allocates and bills; the
        // task-level cpu/memory of the event come next, then the configured hints.
        Integer cpu = cpuUnits(task.overrideCpu());
        if (cpu == null) {
            cpu = cpuUnits(task.cpu());
        }
        if (cpu == null) {
            cpu = hints.cpu();
        }
        Integer memory = memoryMiB(task.overrideMemory());
        if (memory == null) {
            memory = memoryMiB(task.memory());
        }
        if (memory == null) {
            memory = hints.memoryMiB();
        }
        String architecture = PriceTable.normaliseArchitecture(task.architecture());
        if (architecture == null) {
            architecture = PriceTable.normaliseArchitecture(hints.architecture());
        }
        if (architecture == null) {
            architecture = PriceTable.normaliseArchitecture(defaultArchitecture);
        }
        if (architecture == null) {
            architecture = PriceTable.X86_64;
        }
        String launch = FARGATE_SPOT.equals(task.capacityProvider()) ? SPOT : ON_DEMAND;
        Duration billed = TaskDurations.billed(task);
        Double usd = null;
        if (cpu != null && memory != null) {
            PriceTable.Rate rate = prices.rate(architecture);
            double hours = billed.toMillis() / 3_600_000.0;
            double perHour = cpu / 1024.0 * rate.vcpuHour() + memory / 1024.0 * rate.gbHour();
            double cost = hours * perHour * (SPOT.equals(launch) ? 1 - prices.spotDiscount() : 1);
            usd = BigDecimal.valueOf(cost).setScale(6, RoundingMode.HALF_UP).doubleValue();
        }
        return new CostEstimate(cpu, memory, architecture, launch, billed, usd);
    }

    /** ECS reports task CPU as a string of units ({@code "256"}); task definitions also allow {@code "1 vCPU"}. */
    static Integer cpuUnits(String cpu) {
        if (cpu == null) {
            return null;
        }
        String value = cpu.strip().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("vcpu")) {
                double vcpu = Double.parseDouble(value.substring(0, value.length() - 4).strip());
                return positive((int) Math.round(vcpu * 1024));
            }
            return positive(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** ECS reports task memory as a string of MiB ({@code "512"}); task definitions also allow {@code "2 GB"}. */
    static Integer memoryMiB(String memory) {
        if (memory == null) {
            return null;
        }
        String value = memory.strip().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("gb")) {
                double gb = Double.parseDouble(value.substring(0, value.length() - 2).strip());
                return positive((int) Math.round(gb * 1024));
            }
            if (value.endsWith("mb")) {
                value = value.substring(0, value.length() - 2).strip();
            }
            return positive(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer positive(int value) {
        return value > 0 ? value : null;
    }
}
