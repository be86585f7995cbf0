package dev.fargatescaler.reliability;

import dev.fargatescaler.testkit.fake.FakeSqs;
import dev.fargatescaler.testkit.MutableClock;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.job.PendingJobCodec;
import dev.fargatescaler.domain.launch.MessageVisibility;
import dev.fargatescaler.domain.webhook.JobQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A standard SQS queue with a dead-letter queue, in virtual time: at-least-once delivery (a received message
 * occasionally stays visible and is delivered again while in flight), no ordering, visibility timeouts,
 * {@code ChangeMessageVisibility}, receive counts, and a move to the dead-letter queue once a message has been
 * received more than {@code maxReceiveCount} times.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues.html
 */
final class SimulatedSqs implements JobQueue, MessageVisibility {

    /** A received message, as the Lambda event source hands it to the function. */

    private static final class Message {
        final String id;
        final String body;
        int receiveCount;
        Instant visibleAt;
        String receipt;

        Message(String id, String body, Instant visibleAt) {
            this.id = id;
            this.body = body;
            this.visibleAt = visibleAt;
        }
    }

    private final MutableClock clock;
    private final Random random;
    private final Duration visibilityTimeout;
    private final int maxReceiveCount;
    private final double redeliveryRate;
    private final Map<String, Message> messages = new LinkedHashMap<>();
    private final Map<String, Message> byReceipt = new LinkedHashMap<>();
    private final List<String> deadLetters = new ArrayList<>();
    private int sequence;
    private int sent;
    private int redeliveries;
    private int visibilityChanges;

    SimulatedSqs(MutableClock clock, Random random, Duration visibilityTimeout, int maxReceiveCount,
                 double redeliveryRate) {
        this.clock = clock;
        this.random = random;
        this.visibilityTimeout = visibilityTimeout;
        this.maxReceiveCount = maxReceiveCount;
        this.redeliveryRate = redeliveryRate;
    }

    @Override
    public synchronized void enqueue(PendingJob job) {
        String id = "msg-" + (++sequence);
        messages.put(id, new Message(id, PendingJobCodec.toJson(job), clock.instant()));
        sent++;
    }

    @Override
    public synchronized void delay(String receiptHandle, Duration delay) {
        Message message = byReceipt.get(receiptHandle);
        if (message != null && receiptHandle.equals(message.receipt)) {
            message.visibleAt = clock.instant().plus(delay);
            visibilityChanges++;
        }
    }

    /** Receives up to {@code max} visible messages, in no particular order. */
    synchronized List<FakeSqs.Received> receive(int max) {
        Instant now = clock.instant();
        List<Message> visible = new ArrayList<>(messages.values().stream()
                .filter(m -> !m.visibleAt.isAfter(now)).toList());
        Collections.shuffle(visible, random);
        List<FakeSqs.Received> batch = new ArrayList<>();
        for (Message message : visible) {
            if (batch.size() == max) {
                break;
            }
            message.receiveCount++;
            if (message.receiveCount > maxReceiveCount) {
                messages.remove(message.id);
                deadLetters.add(message.body);
                continue;
            }
            message.receipt = message.id + "#" + message.receiveCount;
            byReceipt.put(message.receipt, message);
            if (random.nextDouble() < redeliveryRate) {
                // At-least-once: this copy stays visible and will be delivered again, concurrently.
                redeliveries++;
            } else {
                message.visibleAt = now.plus(visibilityTimeout);
            }
            batch.add(new FakeSqs.Received(message.id, message.receipt, message.body, message.receiveCount));
        }
        return batch;
    }

    /** Deletes by receipt handle, as the event source does for every message not in batchItemFailures. */
    synchronized void delete(String receiptHandle) {
        Message message = byReceipt.remove(receiptHandle);
        if (message != null) {
            messages.remove(message.id);
        }
    }

    synchronized Optional<Instant> nextVisibleAt() {
        return messages.values().stream().map(m -> m.visibleAt).min(Comparator.naturalOrder());
    }

    synchronized int depth() {
        return messages.size();
    }

    synchronized List<String> deadLetters() {
        return List.copyOf(deadLetters);
    }

    synchronized int sent() {
        return sent;
    }

    synchronized int redeliveries() {
        return redeliveries;
    }

    synchronized int visibilityChanges() {
        return visibilityChanges;
    }
}
