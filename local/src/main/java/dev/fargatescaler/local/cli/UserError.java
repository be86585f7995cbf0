package dev.fargatescaler.local.cli;

import java.util.List;

/**
 * Something the user gave is wrong (a file, a port, a configuration): shown as it is, without a stack trace or
 * the usage text, and {@code bin/local} exits 2, as for a usage error.
 */
public final class UserError extends RuntimeException {

    public UserError(String message) {
        super(message);
    }

    /** "what: N problems" followed by one line per problem. */
    public static UserError problems(String what, List<String> problems) {
        return new UserError(what + " (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):\n  - "
                + String.join("\n  - ", problems));
    }
}
