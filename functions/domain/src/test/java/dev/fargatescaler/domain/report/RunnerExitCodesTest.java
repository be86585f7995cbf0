package dev.fargatescaler.domain.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The exit codes are defined once, in runner/entrypoint.sh (its header documents them): this test fails when the
 * reporter's copy of them drifts from the entrypoint's.
 */
class RunnerExitCodesTest {

    private static final Pattern READONLY = Pattern.compile("(?m)^readonly (EX_[A-Z_]+)=(\\d+)");

    @Test
    void matchTheEntrypoint() throws IOException {
        String entrypoint = Files.readString(
                Path.of(System.getProperty("project.root", "../.."), "runner", "entrypoint.sh"));
        java.util.Map<String, Integer> codes = new java.util.HashMap<>();
        Matcher m = READONLY.matcher(entrypoint);
        while (m.find()) {
            codes.put(m.group(1), Integer.parseInt(m.group(2)));
        }

        assertThat(codes).containsEntry("EX_REFUSED", RunnerExitCodes.TOKEN_REFUSED)
                .containsEntry("EX_CONFIG", RunnerExitCodes.MISCONFIGURED)
                .containsEntry("EX_IDLE", RunnerExitCodes.NO_JOB);
        assertThat(entrypoint).as("the header documents each code")
                .contains("#   77 ", "#   78 ", "#   79 ", "#   0 ", "#   128+n");
    }
}
