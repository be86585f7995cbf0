package dev.fargatescaler.domain.environment;

import java.util.List;
import java.util.Optional;

/**
 * The installation's environments, in configured order (which decides ties between environments of equal
 * priority, see {@link dev.fargatescaler.domain.routing.Router}). Names are unique.
 */
public record Environments(List<Environment> all) {

    public Environments {
        all = List.copyOf(all);
        long distinct = all.stream().map(Environment::name).distinct().count();
        if (distinct != all.size()) {
            throw new IllegalArgumentException("environment names must be unique");
        }
    }

    public Optional<Environment> named(String name) {
        return all.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public List<String> names() {
        return all.stream().map(Environment::name).toList();
    }
}
