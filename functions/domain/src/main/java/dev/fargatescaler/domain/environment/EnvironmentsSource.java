package dev.fargatescaler.domain.environment;

/**
 * Port: where the environments are read from (an SSM Parameter Store path, or a JSON document inline).
 * {@link RefreshingEnvironments} calls it at init, on a TTL, after a SnapStart restore and when a job cannot be
 * routed under an old list.
 */
@FunctionalInterface
public interface EnvironmentsSource {

    /**
     * Reads every environment now. An empty result is valid: no environment is configured yet (the control plane
     * was deployed before any environment stack).
     *
     * @throws dev.fargatescaler.domain.errors.RetryableException     when the store cannot be reached
     * @throws dev.fargatescaler.domain.errors.ConfigurationException when a definition is invalid or access is
     *                                                                denied
     */
    Environments load();

    /** A short description for logs, such as {@code SSM path /glfs/environments}. */
    default String describe() {
        return "environments";
    }
}
