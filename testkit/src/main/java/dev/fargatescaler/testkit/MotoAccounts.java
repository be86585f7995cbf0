package dev.fargatescaler.testkit;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Several AWS accounts on one moto_server. How moto 5.2.1 tells them apart (read in its source):
 * <ul>
 *   <li>a request's account is derived from its access key id: {@code moto/core/responses.py}
 *       {@code BaseResponse.get_current_account} (unless {@code MOTO_ACCOUNT_ID} or an {@code x-moto-account-id}
 *       header is set) asks {@code moto/iam/models.py} {@code get_account_id_from}, which finds the account whose
 *       IAM backend holds that access key, else the default account {@value #DEFAULT_ACCOUNT}
 *       ({@code moto/core/models.py} {@code DEFAULT_ACCOUNT_ID});</li>
 *   <li>{@code AssumeRole} ({@code moto/sts/models.py} {@code STSBackend.assume_role} and
 *       {@code _create_access_key}) creates the temporary access key in the IAM backend of the account named in
 *       the role's ARN, so requests signed with the returned credentials belong to that account. moto does not
 *       require the role to exist, and checks neither its trust policy nor the external id (its docstring: "the
 *       role does not need to exist"): trust and external-id conditions are checked by the template tests
 *       (PolicyChecker), not here.</li>
 * </ul>
 */
public final class MotoAccounts {

    /** moto's default account: requests with an unknown access key (e.g. {@code testing}) belong to it. */
    public static final String DEFAULT_ACCOUNT = "123456789012";

    private MotoAccounts() {
    }

    /**
     * Credentials whose requests moto attributes to {@code accountId}: those of a role in that account, assumed
     * with the dummy {@code testing} keys (as an operator's administrator role in that account would be).
     */
    public static StaticCredentialsProvider credentials(String endpoint, Region region, String accountId) {
        try (StsClient sts = StsClient.builder().endpointOverride(URI.create(endpoint)).region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            Credentials c = sts.assumeRole(r -> r.roleArn("arn:aws:iam::" + accountId + ":role/moto-admin")
                    .roleSessionName("moto-admin")).credentials();
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(),
                    c.secretAccessKey(), c.sessionToken()));
        }
    }
}
