package dev.fargatescaler.shared.aws;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The retry strategy and time limits of each SDK client the functions build, one constant per use, each with
 * the reason for its numbers. {@link AwsClients} applies them; {@code FunctionWiring} picks the constant for each
 * client it builds; {@code AwsClientsTest} asserts what a client built that way really resolves to.
 *
 * <p>Each strategy is built explicitly from {@link AwsRetryStrategy} and its builder. Do not combine
 * {@code ClientOverrideConfiguration.Builder.retryStrategy(RetryMode)} with
 * {@code retryStrategy(b -> b.maxAttempts(n))}: in SDK 2.57.8 the second call clears the configured mode
 * ({@code CONFIGURED_RETRY_MODE} set to null, see {@code ClientOverrideConfiguration$DefaultBuilder}), so the
 * configurator is applied to the SDK's default strategy, which is LEGACY: an "adaptive" client then retries
 * without adaptive mode's client-side rate limiter. A supplier, not an instance: a strategy holds state (the
 * adaptive rate limiter, the retry quota), and each client must have its own.
 *
 * @param retryStrategy  a new strategy for each client
 * @param apiCallTimeout bound on one call, every attempt and backoff included
 * @param attemptTimeout bound on one HTTP attempt, so that a hung connection costs one attempt, not the call
 */
public record ClientSettings(String purpose, Supplier<RetryStrategy> retryStrategy, Duration apiCallTimeout,
                             Duration attemptTimeout) {

    public ClientSettings {
        Objects.requireNonNull(purpose);
        Objects.requireNonNull(retryStrategy);
        if (attemptTimeout.compareTo(apiCallTimeout) > 0) {
            throw new IllegalArgumentException("attempt timeout above the call timeout: " + purpose);
        }
    }

    /**
     * The scaler's ECS client (ListTasks, DescribeTasks, RunTask). Adaptive mode: Fargate launches are limited
     * per account and Region (a bucket of 100 refilled at 20/s, RunTask 20 calls/s), and a burst of pending jobs
     * hits that limit at once; adaptive mode's client-side rate limiter slows the client down instead of
     * spending its attempts on more throttles. 10 attempts, not the default 3: with 3, a throttled RunTask gives up
     * and its job waits out the queue's backoff (30 s or more); the burst benchmark measures both
     * (docs/performance.md). RunTask retries are safe: every request carries the job's clientToken.
     * The 20 s call bound is what {@code JobLauncher.TIME_RESERVE} assumes; 5 s per attempt (ECS answers RunTask
     * in well under a second).
     * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/throttling.html
     * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
     */
    public static final ClientSettings ECS_LAUNCHES = new ClientSettings("ECS for launches",
            () -> AwsRetryStrategy.adaptiveRetryStrategy().toBuilder().maxAttempts(10).build(),
            Duration.ofSeconds(20), Duration.ofSeconds(5));

    /** The sweeper's ECS client: few calls, none of them in a burst; standard retries, the SDK's 3 attempts. */
    public static final ClientSettings ECS_SWEEPS = new ClientSettings("ECS for sweeps",
            () -> AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build(),
            Duration.ofSeconds(20), Duration.ofSeconds(5));

    /**
     * The webhook's SendMessage. GitLab does not retry a failed delivery (app/services/web_hook_service.rb
     * records the failure and moves on), so the webhook tries harder before it answers 503, within a budget that
     * GitLab's own timeout can afford:
     * <ul>
     *   <li>GitLab waits 10 s for an answer: app/services/web_hook_service.rb posts with
     *       {@code timeout: Gitlab.config.gitlab.webhook_timeout}, which config/initializers/1_settings.rb
     *       defaults to 10 (a self-managed instance may change it in gitlab.yml);</li>
     *   <li>the function's {@code Timeout} is 8 s (template.yaml), API Gateway's HTTP API integration timeout is
     *       30 s (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html);</li>
     *   <li>before SendMessage the webhook may read its secret once per container ({@link #SECRETS_MANAGER}
     *       or {@link #SSM}: at most 2.5 s).</li>
     * </ul>
     * So SendMessage gets at most 3.5 s: up to 4 attempts of at most 800 ms each (SendMessage normally answers in
     * tens of milliseconds, a fresh TLS connection included), with full-jitter exponential backoff of 50 ms
     * doubling up to 400 ms between them. Worst case for the whole invocation: 2.5 s + 3.5 s = 6 s, 2 s under the
     * function timeout and 4 s under GitLab's, which leaves room for a cold start. The retry quota
     * ("circuit breaker") of standard mode is off: it makes a client stop retrying after many failures, but a
     * delivery that is not queued is lost, so every delivery gets its full budget (the budget itself bounds the
     * cost). https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
     */
    public static final ClientSettings SQS_WEBHOOK = new ClientSettings("SQS for the webhook",
            () -> AwsRetryStrategy.standardRetryStrategy().toBuilder()
                    .maxAttempts(4)
                    .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofMillis(400)))
                    .circuitBreakerEnabled(false)
                    .build(),
            Duration.ofMillis(3500), Duration.ofMillis(800));

    /**
     * SQS for the scaler, reporter and sweeper (ChangeMessageVisibility, SendMessage of a requeue, relaunch or
     * catch-up). Standard retries; a failure is retried by the caller's own path (the message stays in the queue,
     * Lambda retries the reporter's event, the catch-up's next run).
     */
    public static final ClientSettings SQS = new ClientSettings("SQS",
            () -> AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build(),
            Duration.ofSeconds(5), Duration.ofSeconds(2));

    /**
     * SSM: GetParametersByPath for the environments and GetParameter for {@code ssm:} secrets. Short: an
     * environments refresh runs inside an invocation, and a failing SSM must not hold it long (the last good list
     * is kept, see RefreshingEnvironments); a secret read is part of the webhook's budget ({@link #SQS_WEBHOOK}).
     * 2.5 s in all, 1 s per attempt (SSM answers in tens of milliseconds).
     */
    public static final ClientSettings SSM = new ClientSettings("SSM",
            () -> AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build(),
            Duration.ofMillis(2500), Duration.ofSeconds(1));

    /** Secrets Manager GetSecretValue (read once per container, then cached): as {@link #SSM}, same reasons. */
    public static final ClientSettings SECRETS_MANAGER = new ClientSettings("Secrets Manager",
            () -> AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build(),
            Duration.ofMillis(2500), Duration.ofSeconds(1));

    /**
     * The webhook's UpdateItem of a project sighting (catch-up discovery). Short-tempered, 1 s for the call with
     * its retries: a sighting is worth little next to answering GitLab in time, it is written at most once per
     * project per 5 minutes, and a failed one is retried a minute later (ProjectActivity).
     */
    public static final ClientSettings DYNAMODB_WEBHOOK = new ClientSettings("DynamoDB for the webhook",
            () -> AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(2).build(),
            Duration.ofSeconds(1), Duration.ofMillis(500));

    /**
     * The sweeper's Scan of the projects table and its UpdateItem of each swept project: standard retries; a
     * failed run is counted (CatchUpDiscoveryFailed) and the next run, 5 minutes later, tries again.
     */
    public static final ClientSettings DYNAMODB_SWEEPS = new ClientSettings("DynamoDB for sweeps",
            () -> AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build(),
            Duration.ofSeconds(10), Duration.ofSeconds(3));

    /**
     * STS AssumeRole, made by the SDK's {@code StsAssumeRoleCredentialsProvider} for an environment in another
     * account: once per role per container, then again about 5 minutes before the credentials expire (an hour
     * later). It runs inside the first ECS call that needs the credentials, so it is short: 3 attempts of at most
     * 1 s, 3 s in all (STS answers in tens of milliseconds); a failure fails that ECS call as a retryable error
     * (the job stays in the queue, the sweep tries again in 5 minutes).
     */
    public static final ClientSettings STS = new ClientSettings("STS",
            () -> AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build(),
            Duration.ofSeconds(3), Duration.ofSeconds(1));
}
