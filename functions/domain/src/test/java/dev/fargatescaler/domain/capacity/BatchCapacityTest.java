package dev.fargatescaler.domain.capacity;

import static dev.fargatescaler.domain.environment.TestEnvironments.environment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.Guards;
import dev.fargatescaler.domain.environment.LaunchMode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchCapacityTest {

    private final Environment dev = environment("dev", Set.of("dev"), false, 0, 3, Guards.NONE, LaunchMode.fargate());
    private final Environment prod = environment("prod", Set.of("prod"), false, 0, 1, Guards.NONE,
            LaunchMode.fargate());

    @Test
    void countsEcsOncePerEnvironmentAndAddsTheBatchsOwnLaunches() {
        Map<String, Integer> calls = new HashMap<>();
        BatchCapacity capacity = new BatchCapacity(e -> {
            calls.merge(e.name(), 1, Integer::sum);
            return e == dev ? 1 : 0;
        });

        assertThat(capacity.check(dev)).isEqualTo(new CapacityDecision(true, 1, 3));
        capacity.launched(dev);
        assertThat(capacity.check(dev)).isEqualTo(new CapacityDecision(true, 2, 3));
        capacity.launched(dev);
        assertThat(capacity.check(dev)).isEqualTo(new CapacityDecision(false, 3, 3));
        assertThat(capacity.check(prod).available()).isTrue();
        capacity.launched(prod);
        assertThat(capacity.check(prod).available()).isFalse();

        assertThat(calls).containsEntry("dev", 1).containsEntry("prod", 1);
        assertThat(capacity.launchedIn("dev")).isEqualTo(2);
    }

    @Test
    void alreadyOverTheLimitIsNotAvailable() {
        BatchCapacity capacity = new BatchCapacity(e -> 7);

        assertThat(capacity.check(dev)).isEqualTo(new CapacityDecision(false, 7, 3));
    }
}
