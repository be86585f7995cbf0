package dev.fargatescaler.local.aws;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the ECS proxy lets a simulation see and change of the calls it passes to the emulator: the tasks RunTask
 * started, StopTask calls, and the task descriptions the emulator answers (moto runs no container, so the
 * simulation says what state each task is really in). Every method must be cheap and thread-safe: the proxy
 * answers calls concurrently.
 */
public interface EcsTraffic {

    /** A successful RunTask answer: returns the answer to give (the started tasks as ECS describes them then). */
    default byte[] ranTasks(byte[] response) {
        return response;
    }

    /** A StopTask request, before the emulator sees it. */
    default void stopping(JsonNode request) {
    }

    /** A successful DescribeTasks or StopTask answer: returns the answer to give. */
    default byte[] described(byte[] response) {
        return response;
    }

    /** Passes everything through unchanged. */
    EcsTraffic NONE = new EcsTraffic() {
    };
}
