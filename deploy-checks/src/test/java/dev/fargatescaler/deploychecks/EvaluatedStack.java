package dev.fargatescaler.deploychecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.testkit.template.CfnEvaluator;
import java.util.Map;

/**
 * A template evaluated for given parameter values by testkit's {@link CfnEvaluator} (the one local mode deploys
 * with), with the few look-ups the template tests need. Resources resolve to the physical ids a test supplies,
 * else to {@code physical-id-of-<logicalId>}.
 */
final class EvaluatedStack {

    /** Marks {@code AWS::NoValue}: the property is left out. */
    static final Object NO_VALUE = CfnEvaluator.NO_VALUE;

    private static final CfnEvaluator.Deployment DEPLOYMENT = new CfnEvaluator.Deployment("eu-west-1",
            "123456789012", "test-stack");

    private final CfnEvaluator stack;

    EvaluatedStack(Map<String, Object> template, Map<String, String> parameters, Map<String, String> resourceIds) {
        this.stack = new CfnEvaluator(template, parameters, DEPLOYMENT, new CfnEvaluator.PhysicalIds() {
            @Override
            public String ref(String logicalId, String type) {
                return resourceIds.getOrDefault(logicalId, "physical-id-of-" + logicalId);
            }

            @Override
            public String getAtt(String logicalId, String type, String attribute) {
                return "arn-of-" + logicalId + "." + attribute;
            }
        });
        assertThat(stack.problems()).as("CloudFormation would refuse these parameters").isEmpty();
    }

    boolean condition(String name) {
        return stack.condition(name);
    }

    @SuppressWarnings("unchecked")
    Object resourceProperty(String resource, String property) {
        Map<String, Object> definition = (Map<String, Object>) stack.resources().get(resource);
        Map<String, Object> properties = (Map<String, Object>) definition.get("Properties");
        return stack.resolve(properties.get(property));
    }

    Object evaluate(Object node) {
        return stack.resolve(node);
    }
}
