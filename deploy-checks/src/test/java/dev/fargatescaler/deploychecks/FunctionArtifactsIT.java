package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.deploychecks.FunctionArtifacts.Function;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs in the verify phase, after the reactor has packaged every function module: what {@code sam build} would
 * take from the Maven build (CodeUri jars and Handler classes) exists and loads.
 */
class FunctionArtifactsIT {

    private static final Map<String, Object> TEMPLATE = Templates.project("template.yaml");

    @Test
    void everyFunctionOfTheTemplateHasItsJarAndHandler() {
        List<Function> functions = FunctionArtifacts.functions(TEMPLATE);

        assertThat(functions).extracting(Function::id)
                .contains("WebhookFunction", "ScalerFunction", "ReporterFunction", "SweeperFunction");
        assertThat(FunctionArtifacts.problems(Templates.root(), TEMPLATE)).isEmpty();
    }

    @Test
    void aMissingJarOrHandlerIsReported() {
        Function webhook = FunctionArtifacts.functions(TEMPLATE).stream()
                .filter(f -> f.id().equals("WebhookFunction")).findFirst().orElseThrow();

        assertThat(FunctionArtifacts.problems(Templates.root(),
                new Function("Missing", "functions/nothing/target/nothing-function.jar", webhook.handlerClass(),
                        "handleRequest"))).singleElement().asString().contains("is not a jar");
        assertThat(FunctionArtifacts.problems(Templates.root(),
                new Function("WrongClass", webhook.codeUri(), "dev.fargatescaler.webhook.NoSuchHandler",
                        "handleRequest"))).singleElement().asString().contains("has no dev/fargatescaler/webhook/NoSuchHandler.class");
        assertThat(FunctionArtifacts.problems(Templates.root(),
                new Function("WrongMethod", webhook.codeUri(), webhook.handlerClass(), "handle")))
                .singleElement().asString().contains("has no public method handle");
        // A class that is in the jar but not a handler: the webhook's config record has no no-arg constructor.
        assertThat(FunctionArtifacts.problems(Templates.root(),
                new Function("NotAHandler", webhook.codeUri(), "dev.fargatescaler.webhook.WebhookConfig",
                        "toString"))).singleElement().asString().contains("no public no-argument constructor");
    }
}
