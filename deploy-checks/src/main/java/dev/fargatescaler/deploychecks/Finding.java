package dev.fargatescaler.deploychecks;

/**
 * One least-privilege violation.
 *
 * @param principal the template resource that receives the permission (role, policy or function)
 * @param origin    where the statement comes from: an inline policy, a SAM policy, or a managed policy that SAM
 *                  attaches implicitly (for example {@code implicit:AWSLambdaBasicExecutionRole})
 * @param statement the statement's Sid, or its position
 */
public record Finding(String principal, String origin, String statement, Rule rule, String detail) {

    public enum Rule {
        /** {@code *} in an action ({@code ecs:*}, {@code *}, {@code s3:Get*}): grants actions nobody reviewed. */
        WILDCARD_ACTION,
        /** {@code NotAction}/{@code NotResource} in an Allow: grants everything else, including the future. */
        NOT_ACTION_OR_NOT_RESOURCE,
        /** A mutating action on {@code *} or on every resource of a service in the account. */
        UNSCOPED_RESOURCE_ON_MUTATING_ACTION,
        /** {@code iam:PassRole} without an {@code iam:PassedToService} condition. */
        PASS_ROLE_WITHOUT_SERVICE_CONDITION,
        /** A secret or parameter read on {@code *}: every secret of the account. */
        SECRET_READ_UNSCOPED,
        /** A secret read by a principal that never uses that secret. */
        SECRET_NOT_NEEDED,
        /** A literal managed policy: its content is not in the template, so nobody can review it here. */
        MANAGED_POLICY,
        /** A SAM policy template that the checker does not know to be scoped. */
        UNKNOWN_SAM_POLICY_TEMPLATE,
        /** {@code sts:AssumeRole} on a wildcard: any role whose trust policy happens to allow it, in any account. */
        ASSUME_ROLE_NOT_LISTED,
        /**
         * A trust policy that lets a whole account ({@code :root}, a bare account id) or anyone ({@code *}) assume
         * the role without an {@code sts:ExternalId}, {@code aws:PrincipalArn} or {@code aws:SourceAccount} condition.
         */
        TRUST_TOO_WIDE,
        /** An event bus policy open to anyone, or granting more than {@code events:PutEvents}. */
        EVENT_BUS_POLICY_TOO_WIDE
    }

    @Override
    public String toString() {
        return rule + " " + principal + " [" + origin + " / " + statement + "]: " + detail;
    }
}
