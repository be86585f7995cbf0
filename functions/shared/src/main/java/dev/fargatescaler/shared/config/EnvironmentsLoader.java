package dev.fargatescaler.shared.config;

import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.shared.aws.AwsErrors;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;

/**
 * Loads the environments once per container, from one of two places (documented in docs/configuration.md):
 * <ul>
 *   <li>{@code ENVIRONMENTS}: a JSON array inline in the environment variable (small installations, local
 *       mode, tests);</li>
 *   <li>{@code ENVIRONMENTS_SSM_PATH}: an SSM Parameter Store path; every parameter below it (recursively) holds
 *       ONE environment's JSON. Adding an environment is adding a parameter (for example by deploying one more
 *       per-environment stack); the functions pick it up on their next cold start. Environments are ordered by
 *       parameter name, so ties between equal priorities follow the names.</li>
 * </ul>
 */
public final class EnvironmentsLoader {

    public static final String INLINE = "ENVIRONMENTS";
    public static final String SSM_PATH = "ENVIRONMENTS_SSM_PATH";

    /** Where the environments come from: exactly one of the two is set. */
    public record Source(String inlineJson, String ssmPath) {
    }

    private EnvironmentsLoader() {
    }

    /** Reads the two variables, reporting a missing or doubled source into {@code env}. */
    public static Source source(EnvReader env) {
        String inline = env.optional(INLINE, null);
        String path = env.optional(SSM_PATH, null);
        if (inline == null && path == null) {
            env.problem(INLINE + " (a JSON array) or " + SSM_PATH + " (an SSM path) is required");
        } else if (inline != null && path != null) {
            env.problem("set only one of " + INLINE + " and " + SSM_PATH);
        } else if (path != null && !path.startsWith("/")) {
            env.problem(SSM_PATH + " must be an absolute SSM path such as /glfs/environments, got \"" + path + "\"");
        }
        return new Source(inline, path);
    }

    /** @param ssm built only when the source is SSM */
    public static Environments load(Source source, Supplier<SsmClient> ssm) {
        if (source.inlineJson() != null) {
            return EnvironmentParser.parseArray(source.inlineJson(), INLINE);
        }
        return fromSsm(ssm.get(), source.ssmPath());
    }

    /** Every parameter below {@code path}, recursively, one environment each, in parameter-name order. */
    public static Environments fromSsm(SsmClient ssm, String path) {
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
            throw new ConfigurationException(List.of(SSM_PATH + ": no parameter found under " + path
                    + " (each environment is one parameter below this path)"));
        }
        Map<String, String> labelled = new java.util.LinkedHashMap<>();
        documents.forEach((name, value) -> labelled.put("SSM parameter " + name, value));
        return EnvironmentParser.parseDocuments(labelled);
    }
}
