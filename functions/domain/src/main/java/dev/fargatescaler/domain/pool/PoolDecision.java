package dev.fargatescaler.domain.pool;

/**
 * What the keeper decided for one environment, from what ECS showed it.
 *
 * @param poolTasks   the environment's warm-pool tasks ECS has not stopped (idle or running a job)
 * @param counted     those younger than the idle timeout: the ones that may still be idle capacity (an older
 *                    one is running a job or about to exit idle)
 * @param activeTasks all of the environment's tasks ECS has not stopped (pool and job tasks)
 * @param target      pool tasks wanted now: the pool's size inside a window, 0 outside
 * @param toStart     pool tasks to start now
 * @param reason      why {@code toStart} is what it is: {@code Full}, {@code TopUp}, {@code AtLimit},
 *                    {@code LaunchRate}, {@code OutsideWindow}
 */
public record PoolDecision(int poolTasks, int counted, int activeTasks, int target, int toStart, String reason) {
}
