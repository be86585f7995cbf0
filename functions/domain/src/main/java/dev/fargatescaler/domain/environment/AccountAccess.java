package dev.fargatescaler.domain.environment;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * In which AWS account an environment's cluster lives, as the control plane reaches it: its own account
 * ({@link #OWN}), or another one through an IAM role that the scaler, sweeper and reporter assume (with the
 * optional external id the role's trust policy asks for). {@link EnvironmentParser} validates both values.
 *
 * @param roleArn    the role to assume, or null for the control plane's own account
 * @param externalId the external id to pass to STS AssumeRole, or null
 */
public record AccountAccess(String roleArn, String externalId) {

    /** The control plane's own account: its functions' own credentials. */
    public static final AccountAccess OWN = new AccountAccess(null, null);

    /**
     * An IAM role ARN: partition, 12-digit account, optional path, role name of at most 64 characters from
     * {@code [\w+=,.@-]} (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), the whole ARN
     * at most 2048 characters (STS AssumeRole's {@code RoleArn}).
     */
    public static final Pattern ROLE_ARN = Pattern.compile(
            "arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}):role/(?:[\\x21-\\x7E]{0,510}/)?[\\w+=,.@-]{1,64}");

    /**
     * STS AssumeRole's {@code ExternalId}: 2 to 1224 characters of {@code [\w+=,.@:\/-]}
     * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html; the API model,
     * botocore/data/sts/2011-06-15/service-2.json shape {@code externalIdType}, says the same).
     */
    public static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

    public AccountAccess {
        if (roleArn == null && externalId != null) {
            throw new IllegalArgumentException("an external id needs a role");
        }
        if (roleArn != null && !ROLE_ARN.matcher(roleArn).matches()) {
            throw new IllegalArgumentException("not an IAM role ARN: " + roleArn);
        }
        if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
            throw new IllegalArgumentException("not a valid external id");
        }
    }

    /** Whether the environment is reached through a role in another account. */
    public boolean crossAccount() {
        return roleArn != null;
    }

    /** The role's account id, when the environment is in another account. */
    public Optional<String> accountId() {
        if (roleArn == null) {
            return Optional.empty();
        }
        Matcher matcher = ROLE_ARN.matcher(roleArn);
        matcher.matches();
        return Optional.of(matcher.group(2));
    }

    /** The account id of an ECS (or any) ARN, {@code arn:partition:service:region:account:resource}. */
    public static Optional<String> accountOfArn(String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return Optional.empty();
        }
        String[] parts = arn.split(":", 6);
        return parts.length == 6 && parts[4].matches("[0-9]{12}") ? Optional.of(parts[4]) : Optional.empty();
    }

    @Override
    public String toString() {
        // The external id is a shared secret of sorts (the confused-deputy guard): never logged.
        return roleArn == null ? "own account" : "role " + roleArn + (externalId == null ? "" : " (with external id)");
    }
}
