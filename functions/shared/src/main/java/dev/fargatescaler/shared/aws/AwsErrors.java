package dev.fargatescaler.shared.aws;

import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.domain.errors.PermanentException;
import dev.fargatescaler.domain.errors.RetryableException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Classifies AWS SDK failures into the domain's error kinds. Throttling, 5xx and network trouble are
 * retryable; access and parameter errors mean the installation is misconfigured (they go to the dead-letter
 * queue with an alarm rather than being retried forever).
 */
public final class AwsErrors {

    private static final Set<String> CONFIGURATION_CODES = Set.of(
            "AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "InvalidParameterException",
            "ClientException", "ResourceNotFoundException", "ClusterNotFoundException", "ParameterNotFound",
            "InvalidSignatureException", "UnsupportedFeatureException", "PlatformUnknownException",
            "PlatformTaskDefinitionIncompatibilityException", "AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist", "KMSAccessDeniedException", "BlockedException", "DecryptionFailure");

    private AwsErrors() {
    }

    public static RuntimeException classify(String operation, SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            int status = service.statusCode();
            String what = operation + " failed: " + (code == null ? "HTTP " + status : code);
            if (service.isThrottlingException() || status == 429 || "ThrottlingException".equals(code)) {
                return new RetryableException("Throttling", what, e);
            }
            if (status >= 500 || "ServerException".equals(code)) {
                return new RetryableException("AwsServerError", what, e);
            }
            if (code != null && CONFIGURATION_CODES.contains(code) || status == 403) {
                return new ConfigurationException(code == null ? "AccessDenied" : code, what, e);
            }
            return new PermanentException(code == null ? "AwsClientError" : code, what, e);
        }
        if (e instanceof ApiCallTimeoutException) {
            // The client's call budget (ClientSettings) ran out, typically while the SDK was still backing off
            // from throttling or 5xx answers.
            return new RetryableException("AwsCallTimeout", operation + " failed: " + e.getMessage(), e);
        }
        if (e instanceof SdkClientException) {
            return new RetryableException("AwsUnreachable", operation + " failed: " + e.getMessage(), e);
        }
        return new RetryableException("AwsError", operation + " failed: " + e.getMessage(), e);
    }
}
