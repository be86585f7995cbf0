package dev.fargatescaler.shared.config;

import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.environment.EnvironmentsSource;
import dev.fargatescaler.shared.aws.AwsErrors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;

/**
 * The environments under an SSM Parameter Store path: every parameter below it (recursively) holds ONE
 * environment's JSON, ordered by parameter name (which decides ties between equal priorities). A path with no
 * parameter is valid and means "no environment yet": the control plane may be deployed before any environment
 * stack (each of which registers itself under the path). GetParametersByPath returns at most 10 parameters per
 * page. https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParametersByPath.html
 */
public final class SsmEnvironmentsSource implements EnvironmentsSource {

    private final SsmClient ssm;
    private final String path;

    public SsmEnvironmentsSource(SsmClient ssm, String path) {
        this.ssm = Objects.requireNonNull(ssm);
        this.path = Objects.requireNonNull(path);
    }

    @Override
    public Environments load() {
        Map<String, String> documents = new TreeMap<>();
        try {
            String next = null;
            do {
                GetParametersByPathResponse page = ssm.getParametersByPath(GetParametersByPathRequest.builder()
                        .path(path)
                        .recursive(true)
                        .withDecryption(true)
                        .maxResults(10)
                        .nextToken(next)
                        .build());
                for (Parameter parameter : page.parameters()) {
                    documents.put(parameter.name(), parameter.value());
                }
                next = page.nextToken();
            } while (next != null && !next.isEmpty());
        } catch (SdkException e) {
            throw AwsErrors.classify("GetParametersByPath " + path, e);
        }
        if (documents.isEmpty()) {
            return new Environments(List.of());
        }
        Map<String, String> labelled = new LinkedHashMap<>();
        documents.forEach((name, value) -> labelled.put("SSM parameter " + name, value));
        return EnvironmentParser.parseDocuments(labelled);
    }

    @Override
    public String describe() {
        return "SSM path " + path;
    }
}
