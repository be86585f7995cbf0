package dev.fargatescaler.domain.webhook;

/**
 * Port: reads a secret by reference (Secrets Manager name or ARN, or {@code ssm:/path}). Implementations must
 * never log the value.
 */
@FunctionalInterface
public interface SecretSource {

    /**
     * @throws dev.fargatescaler.domain.errors.RetryableException     when the store is unreachable
     * @throws dev.fargatescaler.domain.errors.ConfigurationException when the secret does not exist or may not
     *                                                                be read
     */
    String secret(String reference);
}
