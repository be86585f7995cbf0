package dev.fargatescaler.testkit;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Gives moto's ECS tasks the timestamps moto leaves out: moto_server's DescribeTasks has no {@code createdAt}
 * or {@code startedAt}, which real ECS always sets once they happened, and without which the sweeper's reaper
 * cannot tell a task's age. Add it to an ECS client's {@code overrideConfiguration} in tests and local mode:
 * tasks registered with {@link #created(String, Instant)} get that {@code createdAt} (and {@code startedAt}
 * 30 s later when RUNNING); others get {@link #defaultCreatedAt()} when one is set. Timestamps that the
 * emulator does report are never overwritten.
 *
 * <p>Also registered as a global SDK interceptor (testkit's {@code execution.interceptors}), inert unless the
 * system property {@value #AGE_PROPERTY} holds an ISO-8601 duration: then every task without timestamps looks
 * that old, which lets local mode show the reaper at work ({@code -Dglfs.moto.taskAge=PT4H}).
 */
public final class MotoTaskTimes implements ExecutionInterceptor {

    public static final String AGE_PROPERTY = "glfs.moto.taskAge";

    private final Map<String, Instant> createdAt = new ConcurrentHashMap<>();
    private volatile Instant defaultCreatedAt;
    private final java.time.Duration globalAge;

    /** Stamps what is registered, and every other task too when {@value #AGE_PROPERTY} is set. */
    public MotoTaskTimes() {
        String age = System.getProperty(AGE_PROPERTY);
        this.globalAge = age == null || age.isBlank() ? null : java.time.Duration.parse(age.strip());
    }

    /** Registers a task's creation time by ARN. */
    public MotoTaskTimes created(String taskArn, Instant when) {
        createdAt.put(taskArn, when);
        return this;
    }

    /** The creation time of every task not registered by ARN (null: leave them without timestamps). */
    public MotoTaskTimes defaultCreatedAt(Instant when) {
        this.defaultCreatedAt = when;
        return this;
    }

    public Instant defaultCreatedAt() {
        return defaultCreatedAt;
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes executionAttributes) {
        if (!(context.response() instanceof DescribeTasksResponse response) || !response.hasTasks()) {
            return context.response();
        }
        return response.toBuilder().tasks(response.tasks().stream().map(this::stamp).toList()).build();
    }

    private Task stamp(Task task) {
        if (task.createdAt() != null) {
            return task;
        }
        Instant created = createdAt.getOrDefault(task.taskArn(), defaultCreatedAt);
        if (created == null && globalAge != null) {
            created = Instant.now().minus(globalAge);
        }
        if (created == null) {
            return task;
        }
        Task.Builder builder = task.toBuilder().createdAt(created);
        if (task.startedAt() == null && "RUNNING".equals(task.lastStatus())) {
            builder.startedAt(created.plusSeconds(30));
        }
        return builder.build();
    }
}
