package dev.fargatescaler.local.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small command-line parser: {@code --name value}, {@code -n value}, {@code --flag} and positionals. Unknown
 * options are an error (with the list of known ones) rather than silently ignored.
 */
public final class Args {

    /** Thrown for a usage error; its message is shown to the user. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> positionals = new ArrayList<>();

    /**
     * @param withValue options that take a value (aliases map to their long name: {@code "-e=--event"})
     * @param flags     options without a value
     */
    public static Args parse(String[] args, int from, Set<String> withValue, Set<String> flags,
                             Map<String, String> aliases) {
        Args parsed = new Args();
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
                arg = arg.substring(0, arg.indexOf('='));
            }
            String name = aliases.getOrDefault(arg, arg);
            if (withValue.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(name + " needs a value");
                    }
                    value = args[++i];
                }
                parsed.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else if (flags.contains(name)) {
                parsed.options.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (arg.startsWith("-") && arg.length() > 1) {
                List<String> known = new ArrayList<>(withValue);
                known.addAll(flags);
                throw new UsageException("unknown option " + arg + " (known: " + String.join(", ", known) + ")");
            } else {
                parsed.positionals.add(arg);
            }
        }
        return parsed;
    }

    public String value(String name) {
        List<String> values = options.get(name);
        return values == null ? null : values.get(values.size() - 1);
    }

    public List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    public List<String> positionals() {
        return positionals;
    }

    public int intValue(String name, int defaultValue) {
        String value = value(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number, got " + value);
        }
    }
}
