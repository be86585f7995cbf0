package dev.fargatescaler.local.start;

import dev.fargatescaler.domain.environment.Environments;
import dev.fargatescaler.local.EnvVarsFile;
import dev.fargatescaler.local.LocalStack;
import dev.fargatescaler.local.aws.AwsTarget;
import dev.fargatescaler.shared.config.EnvironmentsLoader;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * {@code --real-aws}: nothing is created; the template's queues are the existing ones named in the
 * {@code --env-vars} file's {@code "Queues"} section, and the clusters to watch are the environments registered
 * in SSM under the functions' {@code ENVIRONMENTS_SSM_PATH}.
 */
final class RealAwsQueues {

    private final AwsTarget target;
    private final LocalStack stack;
    private final EnvVarsFile envVars;

    RealAwsQueues(AwsTarget target, LocalStack stack, EnvVarsFile envVars) {
        this.target = target;
        this.stack = stack;
        this.envVars = envVars;
    }

    void assume() {
        try (SqsClient sqs = target.client(SqsClient.builder())) {
            for (var queue : stack.template().resourcesOfType("AWS::SQS::Queue")) {
                String url = envVars.forFunction("Queues").get(queue.logicalId());
                if (url == null) {
                    throw new IllegalStateException("--real-aws: name the existing queue of " + queue.logicalId()
                            + " in the --env-vars file: {\"Queues\": {\"" + queue.logicalId() + "\": \"https://sqs...\"}}");
                }
                String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                        .attributes().get(QueueAttributeName.QUEUE_ARN);
                stack.assume(queue.logicalId(), url, Map.of("Arn", arn, "QueueUrl", url,
                        "QueueName", url.substring(url.lastIndexOf('/') + 1)));
            }
        }
    }

    static List<EcsEventSource.Cluster> clustersFromSsm(AwsTarget target, LocalStack stack, EnvVarsFile envVars,
                                                        Monitor monitor) {
        for (String function : stack.template().functionIds()) {
            String path = stack.functionVariables(function, envVars).get(EnvironmentsLoader.SSM_PATH);
            if (path == null || path.isBlank()) {
                continue;
            }
            try (SsmClient ssm = target.client(SsmClient.builder())) {
                Environments environments = EnvironmentsLoader.fromSsm(ssm, path);
                return environments.all().stream().map(e -> new EcsEventSource.Cluster(e.name(), e.cluster())).toList();
            } catch (RuntimeException e) {
                monitor.info("setup", "cannot read the environments under " + path + ": " + e.getMessage());
            }
        }
        monitor.info("setup", "no environments found: task state changes are not watched");
        return List.of();
    }
}
