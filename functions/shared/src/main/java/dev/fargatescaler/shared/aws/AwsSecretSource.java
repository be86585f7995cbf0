package dev.fargatescaler.shared.aws;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.webhook.SecretSource;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Reads secrets from AWS Secrets Manager or SSM Parameter Store, chosen by the reference:
 * <ul>
 *   <li>{@code ssm:/path/to/parameter} or an SSM parameter ARN: {@code GetParameter} with decryption
 *       (SecureString);</li>
 *   <li>{@code secretsmanager:name}, a Secrets Manager ARN, or a bare name: {@code GetSecretValue}
 *       ({@code SecretString}).</li>
 * </ul>
 * Each client is obtained on first use only (from {@code FunctionWiring}, which builds it once per container), so
 * a function that uses one store never pays for the other.
 * Values are never logged, and errors name the reference, never the value.
 */
public final class AwsSecretSource implements SecretSource {

    private final Supplier<SecretsManagerClient> secretsManager;
    private final Supplier<SsmClient> ssm;
    private volatile SecretsManagerClient secretsManagerClient;
    private volatile SsmClient ssmClient;

    public AwsSecretSource(Supplier<SecretsManagerClient> secretsManager, Supplier<SsmClient> ssm) {
        this.secretsManager = secretsManager;
        this.ssm = ssm;
    }

    @Override
    public String secret(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new ConfigurationException("MissingSecretReference", "no secret reference configured");
        }
        try {
            if (isSsm(reference)) {
                String name = reference.startsWith("ssm:") ? reference.substring(4) : reference;
                return ssmClient().getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
            }
            String id = reference.startsWith("secretsmanager:") ? reference.substring(15) : reference;
            String value = secretsManagerClient().getSecretValue(r -> r.secretId(id)).secretString();
            if (value == null) {
                throw new ConfigurationException("SecretNotString",
                        "secret " + reference + " has no SecretString (binary secrets are not supported)");
            }
            return value;
        } catch (SdkException e) {
            throw AwsErrors.classify("reading secret " + reference, e);
        }
    }

    /**
     * SnapStart priming: builds the client that {@code reference} needs and marshals and signs its read without
     * sending it, so no secret value (and no credential) ends up in the snapshot.
     */
    public void prime(String reference) {
        if (reference == null || reference.isBlank()) {
            return;
        }
        var priming = software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration.builder()
                .credentialsProvider(PrimingInterceptor.CREDENTIALS).build();
        if (isSsm(reference)) {
            String name = reference.startsWith("ssm:") ? reference.substring(4) : reference;
            SsmClient client = ssmClient();
            PrimingInterceptor.marshalAndSign(() -> client.getParameter(r -> r.name(name).withDecryption(true)
                    .overrideConfiguration(priming)));
        } else {
            String id = reference.startsWith("secretsmanager:") ? reference.substring(15) : reference;
            SecretsManagerClient client = secretsManagerClient();
            PrimingInterceptor.marshalAndSign(() -> client.getSecretValue(r -> r.secretId(id)
                    .overrideConfiguration(priming)));
        }
    }

    static boolean isSsm(String reference) {
        return reference.startsWith("ssm:") || reference.startsWith("arn:aws:ssm:")
                || reference.startsWith("arn:aws-cn:ssm:") || reference.startsWith("arn:aws-us-gov:ssm:");
    }

    private SecretsManagerClient secretsManagerClient() {
        SecretsManagerClient client = secretsManagerClient;
        if (client == null) {
            synchronized (this) {
                if (secretsManagerClient == null) {
                    secretsManagerClient = secretsManager.get();
                }
                client = secretsManagerClient;
            }
        }
        return client;
    }

    private SsmClient ssmClient() {
        SsmClient client = ssmClient;
        if (client == null) {
            synchronized (this) {
                if (ssmClient == null) {
                    ssmClient = ssm.get();
                }
                client = ssmClient;
            }
        }
        return client;
    }
}
