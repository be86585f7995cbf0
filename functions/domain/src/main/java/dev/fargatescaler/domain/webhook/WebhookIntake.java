package dev.fargatescaler.domain.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.RetryableException;
import dev.fargatescaler.domain.job.JobHook;
import dev.fargatescaler.domain.job.JobHookParser;
import dev.fargatescaler.domain.job.MalformedPayloadException;
import dev.fargatescaler.domain.job.PendingJob;
import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.domain.metrics.Metrics;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Decides what to do with one GitLab webhook delivery, and does it: authenticate, keep only jobs that became
 * {@code pending}, queue them. Designed around what GitLab expects of a receiver
 * (https://docs.gitlab.com/user/project/integrations/webhooks/#webhook-receiver-requirements): answer well
 * within 10 s; 2xx for authenticated events that are ignored (4xx/5xx answers count toward disabling the hook);
 * 401 only for bad credentials; 400 only for malformed requests; 503 only when the event could not be queued.
 * GitLab does not retry a failed delivery ({@code app/services/web_hook_service.rb} records the answer and moves
 * on; only a manual "Resend" delivers it again): a job whose event got a 503 is found by the sweeper's catch-up,
 * which is why every authenticated Job Hook records its project ({@link ProjectActivity}).
 */
public final class WebhookIntake {

    public static final int MAX_BODY_BYTES = 1024 * 1024;
    public static final String JOB_HOOK_EVENT = "Job Hook";

    private static final Logger LOG = LoggerFactory.getLogger(WebhookIntake.class);

    private final WebhookAuthenticator authenticator;
    private final JobQueue queue;
    private final Metrics metrics;
    private final RecentDeliveries recentDeliveries;
    private final ProjectActivity projectActivity;
    private final RunningJobs runningJobs;

    /** Without catch-up discovery. */
    public WebhookIntake(WebhookAuthenticator authenticator, JobQueue queue, Metrics metrics,
                         RecentDeliveries recentDeliveries) {
        this(authenticator, queue, metrics, recentDeliveries, ProjectActivity.OFF);
    }

    /**
     * @param projectActivity told of the project of every authenticated Job Hook, whatever its status (a
     *                        {@code created} event comes before {@code pending}) and whatever the queue write
     *                        did, so that the catch-up walks that project
     */
    public WebhookIntake(WebhookAuthenticator authenticator, JobQueue queue, Metrics metrics,
                         RecentDeliveries recentDeliveries, ProjectActivity projectActivity) {
        this(authenticator, queue, metrics, recentDeliveries, projectActivity, RunningJobs.OFF);
    }

    /**
     * @param runningJobs told of every authenticated {@code running} Job Hook after its answer ("ignored") is
     *                    decided: time-to-job measurement ({@link dev.fargatescaler.domain.timetojob.QueueTimes})
     */
    public WebhookIntake(WebhookAuthenticator authenticator, JobQueue queue, Metrics metrics,
                         RecentDeliveries recentDeliveries, ProjectActivity projectActivity,
                         RunningJobs runningJobs) {
        this.runningJobs = Objects.requireNonNull(runningJobs);
        this.authenticator = Objects.requireNonNull(authenticator);
        this.queue = Objects.requireNonNull(queue);
        this.metrics = Objects.requireNonNull(metrics);
        this.recentDeliveries = Objects.requireNonNull(recentDeliveries);
        this.projectActivity = Objects.requireNonNull(projectActivity);
    }

    /** Answer for a body the transport could not decode (invalid base64); nothing else is looked at. */
    public WebhookResponse undecodableBody() {
        metrics.count("WebhookReceived");
        return reject(400, "InvalidEncoding", "body is not valid base64");
    }

    /** Answer for an event the transport delivered in a form that cannot be read at all. */
    public WebhookResponse unreadableRequest() {
        metrics.count("WebhookReceived");
        return reject(400, "UnreadableRequest", "request could not be read");
    }

    /** Answer for a body over {@link #MAX_BODY_BYTES}; nothing else is looked at. */
    public WebhookResponse oversizeBody() {
        metrics.count("WebhookReceived");
        return reject(413, "PayloadTooLarge", "body exceeds " + MAX_BODY_BYTES + " bytes");
    }

    public WebhookResponse handle(WebhookRequest request) {
        metrics.count("WebhookReceived");
        String deliveryId = request.header("x-gitlab-webhook-uuid");
        String idempotencyKey = request.header("idempotency-key");
        putContext("delivery_id", deliveryId);
        putContext("idempotency_key", idempotencyKey);
        try {
            return decide(request, idempotencyKey);
        } finally {
            MDC.remove("delivery_id");
            MDC.remove("idempotency_key");
            MDC.remove("job_id");
            MDC.remove("project_id");
        }
    }

    private WebhookResponse decide(WebhookRequest request, String idempotencyKey) {
        if (request.body().length > MAX_BODY_BYTES) {
            return reject(413, "PayloadTooLarge", "body exceeds " + MAX_BODY_BYTES + " bytes");
        }
        WebhookAuthenticator.Result auth;
        try {
            auth = authenticator.authenticate(request);
        } catch (RetryableException e) {
            LOG.error("cannot read the webhook secret: {}", e.getMessage());
            metrics.count("WebhookSecretUnavailable");
            return WebhookResponse.unavailable();
        } catch (ConfigurationException e) {
            LOG.error("webhook authentication is misconfigured: {}", e.getMessage());
            metrics.count("WebhookConfigurationError");
            return WebhookResponse.unavailable();
        }
        if (auth != WebhookAuthenticator.Result.OK) {
            LOG.warn("webhook decision=rejected reason={}", auth.metricReason());
            metrics.count("WebhookRejected", "Reason", "Unauthorized");
            metrics.count("WebhookUnauthorized", "Reason", auth.metricReason());
            // The same answer for every credential problem: a caller learns nothing about which part was wrong.
            return WebhookResponse.rejected(401, "Unauthorized", "unauthorized");
        }

        String event = request.header("x-gitlab-event");
        if (!JOB_HOOK_EVENT.equals(event)) {
            return ignore("EventType", "event type is not Job Hook");
        }

        JsonNode root;
        try {
            root = Json.MAPPER.readTree(request.body());
        } catch (IOException e) {
            return reject(400, "MalformedJson", "body is not valid JSON");
        }
        try {
            if (!JobHookParser.JOB_OBJECT_KIND.equals(JobHookParser.objectKind(root))) {
                return reject(400, "MalformedPayload", "object_kind must be \"build\" for a Job Hook");
            }
        } catch (MalformedPayloadException e) {
            return reject(400, "MalformedPayload", e.getMessage());
        }
        JsonNode project = root.path("project_id");
        long projectId = project.isIntegralNumber() && project.canConvertToLong() ? project.longValue() : 0;
        try {
            return decideJob(request, idempotencyKey, root);
        } finally {
            // After the answer is decided (the queue write comes first) and whatever it is.
            projectActivity.seen(projectId);
        }
    }

    private WebhookResponse decideJob(WebhookRequest request, String idempotencyKey, JsonNode root) {
        JobHook hook;
        try {
            String status = JobHookParser.status(root);
            if (!"pending".equals(status)) {
                putContext("job_id", root.path("build_id").asText(null));
                putContext("project_id", root.path("project_id").asText(null));
                WebhookResponse answer = ignore("JobStatus",
                        "job status is " + truncate(status) + ", only pending jobs are queued");
                if ("running".equals(status)) {
                    measure(root);
                }
                return answer;
            }
            hook = JobHookParser.parse(root);
        } catch (MalformedPayloadException e) {
            return reject(400, "MalformedPayload", e.getMessage());
        }
        putContext("job_id", Long.toString(hook.jobId()));
        putContext("project_id", Long.toString(hook.projectId()));

        PendingJob job = PendingJob.fromHook(hook, request.header("x-gitlab-instance"), request.receivedAt(),
                idempotencyKey);
        if (recentDeliveries.contains(job.dedupKey())) {
            boolean byKey = idempotencyKey != null && !idempotencyKey.isBlank();
            return ignore("Duplicate", WebhookResponse.duplicateMessage(byKey, recentDeliveries.maxAge()));
        }
        try {
            queue.enqueue(job);
        } catch (RetryableException e) {
            LOG.error("webhook decision=unavailable reason={} could not queue job: {}", e.reason(), e.getMessage());
            metrics.count("WebhookEnqueueFailed");
            return WebhookResponse.unavailable();
        }
        recentDeliveries.remember(job.dedupKey());
        metrics.count("WebhookQueued");
        LOG.info("webhook decision=queued job={} project={} pipeline={}", hook.jobId(), hook.projectPath(),
                hook.pipelineId());
        return WebhookResponse.queued(hook.jobId());
    }

    /** Time to job; whatever happens there, the answer stays the one already decided. */
    private void measure(JsonNode root) {
        try {
            runningJobs.running(root);
        } catch (RuntimeException e) {
            LOG.warn("running job not measured: {}", e.toString());
        }
    }

    private WebhookResponse ignore(String reason, String message) {
        metrics.count("WebhookIgnored", "Reason", reason);
        LOG.info("webhook decision=ignored reason={} {}", reason, message);
        return WebhookResponse.ignored(reason, message);
    }

    private WebhookResponse reject(int status, String reason, String message) {
        metrics.count("WebhookRejected", Map.of("Reason", reason));
        LOG.warn("webhook decision=rejected status={} reason={} {}", status, reason, message);
        return WebhookResponse.rejected(status, reason, message);
    }

    private static void putContext(String key, String value) {
        if (value != null) {
            MDC.put(key, truncate(value));
        }
    }

    /** Keeps attacker-controlled strings short in logs and answers. */
    private static String truncate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }
}
