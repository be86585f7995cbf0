package dev.fargatescaler.domain.environment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GuardsTest {

    @Test
    void noGuardsAcceptEverything() {
        assertThat(Guards.NONE.refusal(1, null, null)).isEmpty();
    }

    @Test
    void projectAllowedByIdOrByPath() {
        Guards guards = new Guards(Set.of(42L), Set.of("group/app", "platform/*"), null);

        assertThat(guards.refusal(42, "elsewhere/x", "main")).isEmpty();
        assertThat(guards.refusal(7, "group/app", "main")).isEmpty();
        assertThat(guards.refusal(7, "platform/api", "main")).isEmpty();
        assertThat(guards.refusal(7, "platform/sub/api", "main")).isEmpty();
        assertThat(guards.refusal(7, "group/app2", "main")).hasValueSatisfying(
                r -> assertThat(r).contains("project 7 (group/app2) is not among the allowed projects"));
        assertThat(guards.refusal(7, "platformx/api", "main")).isPresent();
        assertThat(guards.refusal(7, "platform", "main")).isPresent();
        assertThat(guards.refusal(7, null, "main")).isPresent();
    }

    @Test
    void refMustMatchEntirely() {
        Guards guards = new Guards(Set.of(), Set.of(), Pattern.compile("main|release/.+"));

        assertThat(guards.refusal(1, "a/b", "main")).isEmpty();
        assertThat(guards.refusal(1, "a/b", "release/2.0")).isEmpty();
        assertThat(guards.refusal(1, "a/b", "main-feature")).hasValueSatisfying(
                r -> assertThat(r).contains("ref \"main-feature\" does not match"));
        assertThat(guards.refusal(1, "a/b", null)).isPresent();
    }
}
