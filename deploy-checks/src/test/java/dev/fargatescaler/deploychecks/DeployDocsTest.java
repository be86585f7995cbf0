package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/deploy.md is what a user reads before a first deployment: it must name every parameter of both
 * templates, every value of samconfig.toml that has to be replaced, and how to read the webhook's URL again.
 */
class DeployDocsTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("REPLACE_ME_[A-Z0-9_]+");

    private static final String DEPLOY_DOC = read("docs/deploy.md");
    private static final String SAMCONFIG = read("samconfig.toml");

    @Test
    void everyTemplateParameterIsDocumented() {
        Set<String> missing = new LinkedHashSet<>();
        for (String template : new String[] {"template.yaml", "environment.yaml"}) {
            for (String parameter : map(Templates.project(template).get("Parameters")).keySet()) {
                if (!DEPLOY_DOC.contains("`" + parameter + "`")) {
                    missing.add(template + ": " + parameter);
                }
            }
        }
        assertThat(missing).as("parameters not named in docs/deploy.md").isEmpty();
    }

    @Test
    void everyValueToReplaceInSamconfigLooksLikeAPlaceholderAndIsDocumented() {
        Set<String> placeholders = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(SAMCONFIG);
        while (m.find()) {
            placeholders.add(m.group());
        }

        assertThat(placeholders).contains("REPLACE_ME_GITLAB_URL", "REPLACE_ME_RUNNER_IMAGE", "REPLACE_ME_VPC_ID");
        assertThat(placeholders).allSatisfy(p -> assertThat(DEPLOY_DOC).as("docs/deploy.md names %s", p).contains(p));
        // Values that look real but are not: an example host, angle-bracket templates.
        assertThat(SAMCONFIG.lines().filter(line -> !line.startsWith("#")))
                .noneMatch(line -> line.contains("example.com") || line.matches(".*<[a-z-]+>.*"));
    }

    @Test
    void theWebhookUrlCanBeReadAgain() {
        assertThat(DEPLOY_DOC).contains("aws cloudformation describe-stacks")
                .contains("OutputKey=='WebhookUrl'");
    }

    private static String read(String path) {
        try {
            return Files.readString(Templates.root().resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
