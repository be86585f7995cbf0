package dev.fargatescaler.domain.webhook;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Port: told of every authenticated {@code running} Job Hook, after the webhook's answer is decided (it stays
 * "ignored": only pending jobs are queued). Implementations must not throw and must not call GitLab: the
 * webhook answers within GitLab's 10 s whatever they do.
 */
public interface RunningJobs {

    void running(JsonNode hook);

    /** Measures nothing. */
    RunningJobs OFF = hook -> { };
}
