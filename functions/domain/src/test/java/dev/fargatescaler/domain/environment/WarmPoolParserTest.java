package dev.fargatescaler.domain.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fargatescaler.domain.errors.ConfigurationException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class WarmPoolParserTest {

    static String environment(String warmPool) {
        return """
                [{"name": "dev", "tags": ["fargate", "dev"], "cluster": "glfs-dev", "taskDefinition": "glfs-dev-runner",
                  "subnets": ["subnet-0a1b2c3d"], "securityGroups": ["sg-0a1b2c3d"], "maxConcurrentTasks": 10,
                  "warmPool": %s}]""".formatted(warmPool);
    }

    static WarmPool pool(String warmPool) {
        return EnvironmentParser.parseArray(environment(warmPool), "ENVIRONMENTS").all().get(0).warmPool();
    }

    static final String ROME = """
            {"size": 2, "idleTimeout": "PT10M", "timeZone": "Europe/Rome",
             "windows": [{"days": "MON-FRI", "from": "08:00", "to": "19:00"}, {"days": "sat", "from": "09:00", "to": "12:30"}]}""";

    @Test
    void parsesAPoolWithWindowsInANamedTimeZone() {
        WarmPool pool = pool(ROME);

        assertThat(pool.size()).isEqualTo(2);
        assertThat(pool.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(pool.zone()).isEqualTo(ZoneId.of("Europe/Rome"));
        assertThat(pool.windows()).hasSize(2);
        assertThat(pool.windows().get(0).days()).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.TUESDAY,
                DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY);
        assertThat(pool.windows().get(1).toMinute()).isEqualTo(12 * 60 + 30);
        assertThat(pool.enabled()).isTrue();
    }

    @Test
    void withoutWarmPoolTheEnvironmentHasNone() {
        Environment environment = EnvironmentParser.parseArray(environment("null"), "ENVIRONMENTS").all().get(0);
        assertThat(environment.warmPool()).isEqualTo(WarmPool.OFF);
        assertThat(environment.warmPool().enabled()).isFalse();
        assertThat(environment.warmPool().activeAt(Instant.parse("2026-12-01T10:00:00Z"))).isFalse();
    }

    @Test
    void windowsAreReadInTheTimeZoneIncludingDaylightSavingTime() {
        WarmPool pool = pool(ROME);

        // Tuesday 1 December 2026: Rome is UTC+1, so 08:00 there is 07:00 UTC.
        assertThat(pool.activeAt(Instant.parse("2026-12-01T06:59:59Z"))).isFalse();
        assertThat(pool.activeAt(Instant.parse("2026-12-01T07:00:00Z"))).isTrue();
        assertThat(pool.activeAt(Instant.parse("2026-12-01T17:59:59Z"))).isTrue();
        assertThat(pool.activeAt(Instant.parse("2026-12-01T18:00:00Z"))).isFalse();
        // Wednesday 1 July 2026: UTC+2, 08:00 there is 06:00 UTC.
        assertThat(pool.activeAt(Instant.parse("2026-07-01T06:00:00Z"))).isTrue();
        assertThat(pool.activeAt(Instant.parse("2026-07-01T17:00:00Z"))).isFalse();
        // Saturday 5 December 2026, Sunday 6 December.
        assertThat(pool.activeAt(Instant.parse("2026-12-05T08:30:00Z"))).isTrue();
        assertThat(pool.activeAt(Instant.parse("2026-12-05T11:30:00Z"))).isFalse();
        assertThat(pool.activeAt(Instant.parse("2026-12-06T10:00:00Z"))).isFalse();
    }

    @Test
    void theIdleWaitIsCutAtTheWindowsEndAndNeverBelowTheFloor() {
        WarmPool pool = pool(ROME);
        Duration floor = Duration.ofSeconds(60);

        assertThat(pool.idleWait(Instant.parse("2026-12-01T10:00:00Z"), floor)).contains(Duration.ofMinutes(10));
        assertThat(pool.idleWait(Instant.parse("2026-12-01T17:55:00Z"), floor)).contains(Duration.ofMinutes(5));
        assertThat(pool.idleWait(Instant.parse("2026-12-01T17:59:30Z"), floor)).contains(floor);
        assertThat(pool.idleWait(Instant.parse("2026-12-01T18:00:00Z"), floor)).isEmpty();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String bad = """
                {"size": 10, "idleTimeout": "PT3H", "timeZone": "Mars/Olympus", "colour": "blue",
                 "windows": [{"days": "FRI-MON", "from": "19:00", "to": "08:00"}, {"days": "MON", "from": "8am", "to": "24:30"}, 3]}""";

        assertThatThrownBy(() -> pool(bad))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).contains("unknown key \"warmPool.colour\""))
                        .anySatisfy(p -> assertThat(p).contains("warmPool.size (10) must be below maxConcurrentTasks (10)"))
                        .anySatisfy(p -> assertThat(p).contains("warmPool.idleTimeout must be"))
                        .anySatisfy(p -> assertThat(p).contains("warmPool.timeZone \"Mars/Olympus\" is not an IANA time zone"))
                        .anySatisfy(p -> assertThat(p).contains("warmPool.windows[0].days"))
                        .anySatisfy(p -> assertThat(p).contains("warmPool.windows[1].from must be a time HH:MM"))
                        .anySatisfy(p -> assertThat(p).contains("warmPool.windows[1].to must be a time HH:MM"))
                        .anySatisfy(p -> assertThat(p).contains("warmPool.windows[2] must be an object"))
                        .allSatisfy(p -> assertThat(p).startsWith("environment \"dev\" (ENVIRONMENTS[0]): ")));
    }

    @Test
    void aWindowOverMidnightAndMissingFieldsAreRefusedWithTheWayOut() {
        assertThatThrownBy(() -> pool("""
                {"size": 1, "timeZone": "UTC", "windows": [{"days": "MON", "from": "22:00", "to": "06:00"}]}"""))
                .hasMessageContaining("a window over midnight is two windows");
        assertThatThrownBy(() -> pool("{}"))
                .hasMessageContaining("warmPool.size is required")
                .hasMessageContaining("warmPool.timeZone is required")
                .hasMessageContaining("warmPool.windows is required");
        assertThatThrownBy(() -> pool("""
                {"size": 1, "timeZone": "+01:00", "windows": [{"days": "MON", "from": "08:00", "to": "09:00"}]}"""))
                .hasMessageContaining("is not an IANA time zone");
        assertThatThrownBy(() -> pool("[2]")).hasMessageContaining("warmPool must be an object");
    }

    @Test
    void theDefaultIdleTimeoutIsTenMinutesAndMustFitInTheTaskLifetime() {
        assertThat(pool("""
                {"size": 1, "timeZone": "UTC", "windows": [{"days": "MON-SUN", "from": "00:00", "to": "24:00"}]}""")
                .idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        String shortLived = environment("""
                {"size": 1, "idleTimeout": "PT40M", "timeZone": "UTC", "windows": [{"days": "MON", "from": "00:00", "to": "24:00"}]}""")
                .replace("\"maxConcurrentTasks\": 10,", "\"maxConcurrentTasks\": 10, \"maxTaskLifetime\": \"PT1H\",");
        assertThatThrownBy(() -> EnvironmentParser.parseArray(shortLived, "ENVIRONMENTS"))
                .hasMessageContaining("must be at most half of maxTaskLifetime");
    }
}
