package dev.fargatescaler.domain.pool;

import dev.fargatescaler.domain.environment.CostHints;
import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.LaunchMode;
import dev.fargatescaler.domain.environment.WarmPool;
import dev.fargatescaler.domain.report.PriceTable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.util.Optional;

/**
 * What a warm pool costs, up front: {@code size} tasks for the hours of the day's windows, at the task size of
 * the environment's {@code cost} hints and the price table the reporter uses ({@link PriceTable}; Fargate Spot's
 * discount when the environment launches on Spot only). This is the floor the pool adds when no job comes; each
 * job a warm runner takes adds at most one idle timeout of one task (the job's own task, which then waits), see
 * docs/warm-pool.md.
 */
public final class PoolCost {

    private PoolCost() {
    }

    /** USD per hour of one task of this size, or empty without cpu and memory hints. */
    public static Optional<Double> perTaskHour(CostHints hints, LaunchMode launchMode, PriceTable prices) {
        if (hints.cpu() == null || hints.memoryMiB() == null) {
            return Optional.empty();
        }
        String architecture = PriceTable.normaliseArchitecture(hints.architecture());
        PriceTable.Rate rate = prices.rate(architecture == null ? PriceTable.X86_64 : architecture);
        double perHour = hints.cpu() / 1024.0 * rate.vcpuHour() + hints.memoryMiB() / 1024.0 * rate.gbHour();
        boolean spot = launchMode.type() == LaunchMode.Type.FARGATE_SPOT;
        return Optional.of(perHour * (spot ? 1 - prices.spotDiscount() : 1));
    }

    /** Hours the pool is kept on {@code day} (overlapping windows counted once, to the minute). */
    public static double hoursOn(WarmPool pool, DayOfWeek day) {
        boolean[] minutes = new boolean[24 * 60];
        for (WarmPool.Window window : pool.windows()) {
            if (window.days().contains(day)) {
                for (int m = window.fromMinute(); m < window.toMinute(); m++) {
                    minutes[m] = true;
                }
            }
        }
        int count = 0;
        for (boolean on : minutes) {
            count += on ? 1 : 0;
        }
        return count / 60.0;
    }

    /** The pool's cost on the local day of {@code now}, in USD (6 decimals), or empty without a task size. */
    public static Optional<Double> perDay(Environment environment, PriceTable prices, Instant now) {
        WarmPool pool = environment.warmPool();
        DayOfWeek day = now.atZone(pool.zone()).getDayOfWeek();
        return perTaskHour(environment.costHints(), environment.launchMode(), prices)
                .map(hour -> round(hour * pool.size() * hoursOn(pool, day)));
    }

    /** The pool's cost over a week, in USD. */
    public static Optional<Double> perWeek(Environment environment, PriceTable prices) {
        WarmPool pool = environment.warmPool();
        return perTaskHour(environment.costHints(), environment.launchMode(), prices).map(hour -> {
            double hours = 0;
            for (DayOfWeek day : DayOfWeek.values()) {
                hours += hoursOn(pool, day);
            }
            return round(hour * pool.size() * hours);
        });
    }

    private static double round(double usd) {
        return BigDecimal.valueOf(usd).setScale(6, RoundingMode.HALF_UP).doubleValue();
    }
}
