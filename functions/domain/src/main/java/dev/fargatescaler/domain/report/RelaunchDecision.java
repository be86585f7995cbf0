package dev.fargatescaler.domain.report;

/**
 * What the reporter did about a stopped task's job.
 *
 * @param nextAttempt the attempt number queued (or that would have been queued when giving up), else null
 * @param detail      a human-readable explanation for the log
 */
public record RelaunchDecision(Kind kind, Integer nextAttempt, String detail) {

    /** The kinds of decision; {@link #field()} is the task report's {@code relaunch} value. */
    public enum Kind {
        /** The outcome does not call for a relaunch (the task ran, or was stopped on purpose). */
        NOT_NEEDED("not-needed"),
        /** The task names no job (started by this product but without a job in {@code startedBy}). */
        NO_JOB("no-job"),
        /** GitLab says the job is no longer pending: another runner took it, or it was canceled. */
        JOB_NOT_PENDING("job-not-pending"),
        /** GitLab has no such job in a project the token can read (its own 404): deleted. */
        JOB_NOT_FOUND("job-not-found"),
        /** The job was queued again with the next attempt number. */
        QUEUED("queued"),
        /**
         * GitLab could not be asked (rate limit, outage, token refused) or would not show the job to this token: the
         * job was queued anyway, because the scaler checks the job itself before it launches anything (and keeps a
         * job it cannot see toward the dead-letter queue).
         */
        QUEUED_UNVERIFIED("queued-unverified"),
        /** The job is still pending but has used every attempt: an error is logged and counted. */
        GAVE_UP("gave-up");

        private final String field;

        Kind(String field) {
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public static RelaunchDecision of(Kind kind, String detail) {
        return new RelaunchDecision(kind, null, detail);
    }
}
