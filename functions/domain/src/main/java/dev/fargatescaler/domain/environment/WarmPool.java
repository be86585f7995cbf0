package dev.fargatescaler.domain.environment;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An environment's scheduled warm pool (docs/warm-pool.md): during its windows the keeper keeps {@code size}
 * idle runner tasks started; outside them, none. Built by {@link WarmPoolParser}; {@link #OFF} by default.
 *
 * @param size        how many pool tasks to keep during a window (0 = off)
 * @param idleTimeout how long a runner task waits for a job before exiting idle ({@code RUNNER_WAIT_TIMEOUT}),
 *                    for pool tasks and, during a window, for the environment's job tasks
 * @param zone        the IANA time zone the windows are written in
 * @param windows     when the pool is kept
 */
public record WarmPool(int size, Duration idleTimeout, ZoneId zone, List<Window> windows) {

    public static final WarmPool OFF = new WarmPool(0, Duration.ofSeconds(60), ZoneOffset.UTC, List.of());

    /**
     * Days of the week and a time span within each of them, in the pool's time zone: {@code from} inclusive,
     * {@code to} exclusive, as minutes since midnight ({@code to} may be 1440, the end of the day).
     */
    public record Window(Set<DayOfWeek> days, int fromMinute, int toMinute) {

        public Window {
            days = days.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(days));
            if (fromMinute < 0 || toMinute > 24 * 60 || fromMinute >= toMinute) {
                throw new IllegalArgumentException("a window runs from 00:00 to 24:00, and from before to");
            }
        }

        boolean contains(ZonedDateTime local) {
            int minute = local.getHour() * 60 + local.getMinute();
            return days.contains(local.getDayOfWeek()) && minute >= fromMinute && minute < toMinute;
        }

        /** The end of this window on the day of {@code local}. */
        Instant endOn(ZonedDateTime local) {
            return local.toLocalDate().atStartOfDay(local.getZone()).plusMinutes(toMinute).toInstant();
        }
    }

    public WarmPool {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(zone, "zone");
        windows = List.copyOf(windows);
    }

    public boolean enabled() {
        return size > 0 && !windows.isEmpty();
    }

    /** Whether the pool is kept at {@code instant}. */
    public boolean activeAt(Instant instant) {
        return window(instant).isPresent();
    }

    /**
     * The latest end among the windows that contain {@code instant}, or empty outside every window. Overlapping
     * windows are not merged: a pool task's idle wait is cut at this end, and the next keeper run starts new
     * tasks if another window goes on.
     */
    public Optional<Instant> windowEnd(Instant instant) {
        if (!enabled()) {
            return Optional.empty();
        }
        ZonedDateTime local = instant.atZone(zone);
        return windows.stream().filter(w -> w.contains(local)).map(w -> w.endOn(local)).max(Instant::compareTo);
    }

    private Optional<Window> window(Instant instant) {
        if (!enabled()) {
            return Optional.empty();
        }
        ZonedDateTime local = instant.atZone(zone);
        return windows.stream().filter(w -> w.contains(local)).findFirst();
    }

    /**
     * The idle wait of a runner task started at {@code start} during a window: the idle timeout, cut at the
     * window's end so that the pool is gone when the window is (never below {@code floor}, the wait a task
     * outside any window gets); empty outside every window.
     */
    public Optional<Duration> idleWait(Instant start, Duration floor) {
        return windowEnd(start).map(end -> {
            Duration untilEnd = Duration.between(start, end);
            Duration wait = untilEnd.compareTo(idleTimeout) < 0 ? untilEnd : idleTimeout;
            return wait.compareTo(floor) < 0 ? floor : wait;
        });
    }
}
