package dev.fargatescaler.shared.aws;

import dev.fargatescaler.domain.environment.AccountAccess;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The credentials of an environment's role in another account: the SDK's own {@link StsAssumeRoleCredentialsProvider},
 * which caches the role's temporary credentials and assumes the role again before they expire.
 *
 * <p>What it does, as read in sts 2.57.8 ({@code StsCredentialsProvider}): building it calls nothing (the
 * credentials are a {@code CachedSupplier} filled on the first {@code resolveCredentials}, that is on the first ECS
 * call signed with them); they are refreshed when 5 minutes from expiry (prefetch time) and must be refreshed 1
 * minute from it (stale time). {@code asyncCredentialUpdateEnabled(false)}: the refresh is made by the calling
 * thread, not by a background thread, which Lambda freezes between invocations.
 *
 * <p>The session lasts 1 hour, the most STS grants here: the functions' own credentials are those of their Lambda
 * execution role, so assuming a role from them is role chaining, which "limits your AWS CLI or AWS API role session
 * to a maximum of one hour" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html).
 */
public final class AssumedRoleCredentials {

    static final int SESSION_SECONDS = 3600;

    private AssumedRoleCredentials() {
    }

    /**
     * @param sessionName the role session's name, recorded in the other account's CloudTrail
     *                    (see {@link #sessionName(String)})
     */
    public static StsAssumeRoleCredentialsProvider provider(StsClient sts, AccountAccess account, String sessionName) {
        if (!account.crossAccount()) {
            throw new IllegalArgumentException("no role to assume: " + account);
        }
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .asyncCredentialUpdateEnabled(false)
                .refreshRequest(r -> r.roleArn(account.roleArn())
                        .externalId(account.externalId())
                        .roleSessionName(sessionName)
                        .durationSeconds(SESSION_SECONDS))
                .build();
    }

    /**
     * A valid RoleSessionName (2 to 64 characters of {@code [\w+=,.@-]}, STS AssumeRole) naming the function:
     * {@code glfs-} and the Lambda function's name ({@code AWS_LAMBDA_FUNCTION_NAME}), or {@code glfs-control-plane}.
     */
    public static String sessionName(String functionName) {
        String name = functionName == null || functionName.isBlank() ? "control-plane"
                : functionName.replaceAll("[^\\w+=,.@-]", "-");
        String session = "glfs-" + name;
        return session.length() > 64 ? session.substring(0, 64) : session;
    }
}
