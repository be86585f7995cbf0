package dev.fargatescaler.domain.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers, per container, the task events already handled, so that EventBridge's at-least-once delivery does
 * not produce two reports for one task. Two bounded, least-recently-used memories:
 * <ul>
 *   <li>{@code taskArn#version}: the exact same event delivered twice is a duplicate;</li>
 *   <li>{@code taskArn} of tasks already reported as STOPPED: ECS may send more than one STOPPED event for a
 *       task (a later version with container details filled in); only the first is reported. Events that
 *       arrive after the STOPPED one, out of order, change nothing.</li>
 * </ul>
 * Best effort only: another container of the function has its own memory. See docs/lifecycle.md for why the
 * duplicates that can get through are rare and harmless.
 */
public final class TaskEventMemory {

    private final Map<String, Boolean> events;
    private final Map<String, Boolean> stopped;

    public TaskEventMemory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.events = lru(capacity);
        this.stopped = lru(capacity);
    }

    /** Whether this exact event (task and version) was handled already. */
    public synchronized boolean isDuplicate(TaskStateChange task) {
        return events.get(eventKey(task)) != null; // get, not containsKey: it refreshes the LRU order
    }

    /** Whether a STOPPED report was already written for this task. */
    public synchronized boolean wasReportedStopped(String taskArn) {
        return stopped.get(taskArn) != null;
    }

    /** Records a handled event; call after the event's work succeeded, so that a retry is not skipped. */
    public synchronized void remember(TaskStateChange task) {
        events.put(eventKey(task), Boolean.TRUE);
        if (task.isStopped()) {
            stopped.put(task.taskArn(), Boolean.TRUE);
        }
    }

    private static String eventKey(TaskStateChange task) {
        // Without a version, the status is the best available stand-in: it changes at every step that matters.
        return task.taskArn() + "#" + (task.version() >= 0 ? Long.toString(task.version()) : task.lastStatus());
    }

    private static Map<String, Boolean> lru(int capacity) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }
}
