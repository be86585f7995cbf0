package dev.fargatescaler.local.deploy.resources;

import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.local.deploy.ResourceProvisioner;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code AWS::SQS::Queue}: the queue with the attributes the template sets (timeouts, retention, redrive
 * policy); {@code Ref} is its URL.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html
 */
public final class SqsQueues implements ResourceProvisioner {

    private static final Map<String, QueueAttributeName> ATTRIBUTES = Map.of(
            "VisibilityTimeout", QueueAttributeName.VISIBILITY_TIMEOUT,
            "MessageRetentionPeriod", QueueAttributeName.MESSAGE_RETENTION_PERIOD,
            "DelaySeconds", QueueAttributeName.DELAY_SECONDS,
            "MaximumMessageSize", QueueAttributeName.MAXIMUM_MESSAGE_SIZE,
            "ReceiveMessageWaitTimeSeconds", QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
            "ContentBasedDeduplication", QueueAttributeName.CONTENT_BASED_DEDUPLICATION);

    @Override
    public String type() {
        return "AWS::SQS::Queue";
    }

    @Override
    public boolean neededAtRunTime() {
        return true;
    }

    @Override
    public Created create(String logicalId, Map<String, Object> props, String defaultName, EmulatorClients aws) {
        boolean fifo = Props.bool(props, "FifoQueue");
        String name = Props.text(props, "QueueName", defaultName + (fifo ? ".fifo" : ""));
        Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
        if (fifo) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        ATTRIBUTES.forEach((property, attribute) -> {
            if (props.containsKey(property)) {
                attributes.put(attribute, Props.text(props, property));
            }
        });
        if (props.containsKey("RedrivePolicy")) {
            attributes.put(QueueAttributeName.REDRIVE_POLICY, Props.json(props.get("RedrivePolicy")));
        }
        SqsClient sqs = aws.sqs();
        String url = sqs.createQueue(r -> r.queueName(name)).queueUrl();
        // Set separately: CreateQueue on an existing queue with other attributes is refused, as in AWS.
        if (!attributes.isEmpty()) {
            sqs.setQueueAttributes(r -> r.queueUrl(url).attributes(attributes));
        }
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return new Created(url, Map.of("Arn", arn, "QueueName", name, "QueueUrl", url), "queue " + url);
    }
}
