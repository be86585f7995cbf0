package dev.fargatescaler.domain.environment;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an environment's optional {@code warmPool} object (docs/warm-pool.md), reporting every problem:
 * <pre>{"size": 2, "idleTimeout": "PT10M", "timeZone": "Europe/Rome",
 *  "windows": [{"days": "MON-FRI", "from": "08:00", "to": "19:00"}]}</pre>
 * Days are English three-letter names, as a range ({@code MON-FRI}), a list ({@code MON,WED,FRI}) or both
 * ({@code MON-WED,FRI}); times are {@code HH:MM} in the named IANA time zone, {@code to} after {@code from}
 * ({@code 24:00} ends the day; a window over midnight is two windows).
 */
public final class WarmPoolParser {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofMinutes(1);
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofHours(2);
    public static final int MAX_WINDOWS = 14;

    private static final Set<String> KEYS = Set.of("size", "idleTimeout", "timeZone", "windows");
    private static final Set<String> WINDOW_KEYS = Set.of("days", "from", "to");
    private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-4]):([0-5][0-9])");
    private static final List<String> DAY_NAMES = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");

    private WarmPoolParser() {
    }

    /**
     * @param node               the {@code warmPool} value, or null when absent ({@link WarmPool#OFF})
     * @param maxConcurrentTasks the environment's limit: the pool must leave room for at least one job's task
     * @param maxTaskLifetime    the environment's lifetime: an idle wait must end well before it (the reaper)
     * @param problem            receives each problem, already prefixed with {@code warmPool}
     * @return the pool, or null when there was a problem
     */
    public static WarmPool parse(JsonNode node, int maxConcurrentTasks, Duration maxTaskLifetime,
                                 Consumer<String> problem) {
        if (node == null || node.isNull()) {
            return WarmPool.OFF;
        }
        List<String> problems = new ArrayList<>();
        if (!node.isObject()) {
            problem.accept("warmPool must be an object such as {\"size\": 2, \"idleTimeout\": \"PT10M\", "
                    + "\"timeZone\": \"Europe/Rome\", \"windows\": [{\"days\": \"MON-FRI\", \"from\": \"08:00\", "
                    + "\"to\": \"19:00\"}]}");
            return null;
        }
        node.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                problems.add("unknown key \"warmPool." + key + "\" (known: idleTimeout, size, timeZone, windows)");
            }
        });
        int size = size(node.get("size"), maxConcurrentTasks, problems);
        Duration idle = idleTimeout(node.get("idleTimeout"), maxTaskLifetime, problems);
        ZoneId zone = zone(node.get("timeZone"), problems);
        List<WarmPool.Window> windows = windows(node.get("windows"), problems);
        problems.forEach(problem);
        if (!problems.isEmpty()) {
            return null;
        }
        return new WarmPool(size, idle, zone, windows);
    }

    private static int size(JsonNode value, int maxConcurrentTasks, List<String> problems) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            problems.add("warmPool.size is required: a whole number from 0 (off) to maxConcurrentTasks - 1, got "
                    + value);
            return 0;
        }
        int size = value.intValue();
        if (size >= maxConcurrentTasks) {
            problems.add("warmPool.size (" + size + ") must be below maxConcurrentTasks (" + maxConcurrentTasks
                    + "): pool tasks count toward the limit, and jobs need room for their own tasks");
        }
        return size;
    }

    private static Duration idleTimeout(JsonNode value, Duration maxTaskLifetime, List<String> problems) {
        if (value == null) {
            return DEFAULT_IDLE_TIMEOUT;
        }
        Duration idle = null;
        try {
            idle = value.isTextual() ? Duration.parse(value.textValue()) : null;
        } catch (DateTimeParseException e) {
            idle = null;
        }
        if (idle == null || idle.compareTo(MIN_IDLE_TIMEOUT) < 0 || idle.compareTo(MAX_IDLE_TIMEOUT) > 0
                || idle.toNanos() % 1_000_000_000L != 0) {
            problems.add("warmPool.idleTimeout must be an ISO-8601 duration of whole seconds from PT1M to PT2H "
                    + "(e.g. \"PT10M\"), got " + value);
            return DEFAULT_IDLE_TIMEOUT;
        }
        if (maxTaskLifetime != null && idle.multipliedBy(2).compareTo(maxTaskLifetime) > 0) {
            problems.add("warmPool.idleTimeout (" + idle + ") must be at most half of maxTaskLifetime ("
                    + maxTaskLifetime + "): a warm runner that takes a job after its idle wait must still have "
                    + "time to run it before the reaper stops it");
        }
        return idle;
    }

    private static ZoneId zone(JsonNode value, List<String> problems) {
        if (value == null || !value.isTextual()) {
            problems.add("warmPool.timeZone is required: an IANA time zone such as \"Europe/Rome\" or \"UTC\", got "
                    + value);
            return null;
        }
        String id = value.textValue();
        // Region ids only ("Europe/Rome", "UTC"): a fixed offset such as +01:00 ignores daylight saving time,
        // which is rarely what a working-hours window means.
        if (!ZoneId.getAvailableZoneIds().contains(id)) {
            problems.add("warmPool.timeZone \"" + id + "\" is not an IANA time zone (e.g. \"Europe/Rome\", "
                    + "\"America/New_York\", \"UTC\")");
            return null;
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            problems.add("warmPool.timeZone \"" + id + "\" cannot be used: " + e.getMessage());
            return null;
        }
    }

    private static List<WarmPool.Window> windows(JsonNode value, List<String> problems) {
        List<WarmPool.Window> windows = new ArrayList<>();
        if (value == null || !value.isArray() || value.isEmpty() || value.size() > MAX_WINDOWS) {
            problems.add("warmPool.windows is required: an array of 1 to " + MAX_WINDOWS + " {days, from, to} "
                    + "objects, e.g. [{\"days\": \"MON-FRI\", \"from\": \"08:00\", \"to\": \"19:00\"}]");
            return windows;
        }
        int index = 0;
        for (JsonNode window : value) {
            String label = "warmPool.windows[" + index++ + "]";
            if (!window.isObject()) {
                problems.add(label + " must be an object {days, from, to}");
                continue;
            }
            window.fieldNames().forEachRemaining(key -> {
                if (!WINDOW_KEYS.contains(key)) {
                    problems.add("unknown key \"" + label + "." + key + "\" (known: days, from, to)");
                }
            });
            Set<DayOfWeek> days = days(window.get("days"), label, problems);
            Integer from = minute(window.get("from"), label + ".from", problems);
            Integer to = minute(window.get("to"), label + ".to", problems);
            if (from != null && to != null) {
                if (from >= to) {
                    problems.add(label + ": to (" + window.get("to").textValue() + ") must be after from ("
                            + window.get("from").textValue() + "); a window over midnight is two windows");
                } else if (from == 24 * 60) {
                    problems.add(label + ".from must be before 24:00");
                } else if (days != null) {
                    windows.add(new WarmPool.Window(days, from, to));
                }
            }
        }
        return windows;
    }

    private static Set<DayOfWeek> days(JsonNode value, String label, List<String> problems) {
        String expected = label + ".days must be day names such as \"MON-FRI\", \"SAT,SUN\" or \"MON-WED,FRI\"";
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            problems.add(expected + ", got " + value);
            return null;
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : value.textValue().toUpperCase(Locale.ROOT).split(",")) {
            String[] range = part.strip().split("-", -1);
            int first = range.length >= 1 ? DAY_NAMES.indexOf(range[0].strip()) : -1;
            int last = range.length == 2 ? DAY_NAMES.indexOf(range[1].strip()) : first;
            if (range.length > 2 || first < 0 || last < 0 || last < first) {
                problems.add(expected + " (a range goes forward within one week), got \"" + value.textValue()
                        + "\"");
                return null;
            }
            for (int day = first; day <= last; day++) {
                days.add(DayOfWeek.of(day + 1));
            }
        }
        return days;
    }

    private static Integer minute(JsonNode value, String label, List<String> problems) {
        Matcher m = value != null && value.isTextual() ? TIME.matcher(value.textValue()) : null;
        if (m == null || !m.matches() || (m.group(1).equals("24") && !m.group(2).equals("00"))) {
            problems.add(label + " must be a time HH:MM from 00:00 to 24:00, got " + value);
            return null;
        }
        return Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
    }
}
