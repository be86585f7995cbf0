package dev.fargatescaler.domain.environment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** An environment's {@code assumeRole}: its cluster is in another AWS account (docs/deploy.md). */
final class AssumeRoleParser {

    private static final Set<String> ASSUME_ROLE_KEYS = Set.of("roleArn", "externalId");

    private AssumeRoleParser() {
    }

    /**
     * {@code assumeRole}: the environment's cluster is in another account, reached through this role. A cluster
     * or task definition given as an ARN must then be in the role's account: ECS calls made with the role's
     * credentials see only that account's resources.
     */
    static AccountAccess parse(JsonNode node, String cluster, String taskDefinition, ConfigFields fields) {
        if (node == null || node.isNull()) {
            return AccountAccess.OWN;
        }
        if (!node.isObject()) {
            fields.problem("assumeRole must be an object such as {\"roleArn\": \"arn:aws:iam::111122223333:role/name\"}");
            return AccountAccess.OWN;
        }
        fields.unknownKeys(node, ASSUME_ROLE_KEYS, "assumeRole.");
        JsonNode roleNode = node.get("roleArn");
        String role = null;
        if (roleNode == null || roleNode.isNull()) {
            fields.problem("assumeRole.roleArn is required (an IAM role ARN such as "
                    + "arn:aws:iam::111122223333:role/glfs-production-control)");
        } else if (!roleNode.isTextual() || roleNode.textValue().length() > 2048
                || !AccountAccess.ROLE_ARN.matcher(roleNode.textValue()).matches()) {
            fields.problem("assumeRole.roleArn must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>), got "
                    + roleNode);
        } else {
            role = roleNode.textValue();
        }
        JsonNode idNode = node.get("externalId");
        String externalId = null;
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() || !AccountAccess.EXTERNAL_ID.matcher(idNode.textValue()).matches()) {
                // The value itself is not repeated: it is the role's confused-deputy guard.
                fields.problem("assumeRole.externalId must be 2 to 1224 characters of letters, digits and "
                        + "_+=,.@:/- (STS AssumeRole's ExternalId)");
            } else {
                externalId = idNode.textValue();
            }
        }
        if (role == null) {
            return AccountAccess.OWN;
        }
        AccountAccess access = new AccountAccess(role, externalId);
        String account = access.accountId().orElseThrow();
        for (String arn : new String[] {cluster, taskDefinition}) {
            AccountAccess.accountOfArn(arn).filter(a -> !a.equals(account)).ifPresent(a -> fields.problem(
                    (arn.equals(cluster) ? "cluster" : "taskDefinition") + " " + arn + " is in account " + a
                            + ", but assumeRole.roleArn is in account " + account
                            + ": the role's credentials reach only its own account"));
        }
        return access;
    }
}
