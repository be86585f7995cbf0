package dev.fargatescaler.domain.launch;

import java.util.List;

/**
 * The messages of a batch that must NOT be deleted: returned to Lambda as {@code batchItemFailures}. Every
 * other message of the batch is acknowledged (deleted) by Lambda.
 */
public record BatchResult(List<String> failedMessageIds) {

    public BatchResult {
        failedMessageIds = List.copyOf(failedMessageIds);
    }
}
