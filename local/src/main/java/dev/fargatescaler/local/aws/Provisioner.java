package dev.fargatescaler.local.aws;

import dev.fargatescaler.domain.json.Json;
import dev.fargatescaler.local.template.Intrinsics;
import dev.fargatescaler.local.template.SamTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Creates on the emulator what the template declares and the functions need, when it is missing: SQS queues
 * (dead-letter queues first, then each queue's attributes and redrive policy as the template resolves them),
 * DynamoDB tables (key schema, billing mode, TTL) and the secrets listed in {@code local/stack.json}. Records every physical id, so that {@code Ref} and
 * {@code Fn::GetAtt} resolve to what was created. Never used against real AWS.
 */
public final class Provisioner {

    private final AwsTarget target;
    private final SamTemplate template;
    private final StackConfig config;
    private final LocalPhysicalIds ids;
    private final Intrinsics intrinsics;
    private final Consumer<String> say;

    public Provisioner(AwsTarget target, SamTemplate template, StackConfig config, LocalPhysicalIds ids,
                       Intrinsics intrinsics, Consumer<String> say) {
        if (!target.isEmulator()) {
            throw new IllegalStateException("local mode provisions nothing in a real AWS account");
        }
        this.target = target;
        this.template = template;
        this.config = config;
        this.ids = ids;
        this.intrinsics = intrinsics;
        this.say = say;
    }

    public void provision() {
        try (SqsClient sqs = target.client(SqsClient.builder())) {
            provisionQueues(sqs);
        }
        if (!template.resourcesOfType("AWS::DynamoDB::Table").isEmpty()) {
            try (DynamoDbClient dynamo = target.client(DynamoDbClient.builder())) {
                provisionTables(dynamo);
            }
        }
        if (!config.secrets().isEmpty()) {
            try (SecretsManagerClient secrets = target.client(SecretsManagerClient.builder());
                 SsmClient ssm = target.client(SsmClient.builder())) {
                config.secrets().forEach((name, value) -> provisionSecret(secrets, ssm, name, value));
            }
        }
    }

    private void provisionQueues(SqsClient sqs) {
        var queues = template.resourcesOfType("AWS::SQS::Queue");
        // Pass 1: every queue exists, so that a redrive policy's GetAtt DeadLetterQueue.Arn resolves in pass 2.
        for (SamTemplate.Resource queue : queues) {
            Map<String, Object> props = queue.properties();
            boolean fifo = Boolean.parseBoolean(String.valueOf(intrinsics.resolve(props.getOrDefault("FifoQueue", false))));
            String name = props.containsKey("QueueName")
                    ? intrinsics.resolveString(props.get("QueueName"))
                    : ids.name(queue.logicalId()) + (fifo ? ".fifo" : "");
            Map<QueueAttributeName, String> createAttributes = new LinkedHashMap<>();
            if (fifo) {
                createAttributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            }
            String url = sqs.createQueue(r -> r.queueName(name).attributes(createAttributes)).queueUrl();
            String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            ids.record(queue.logicalId(), url, Map.of("Arn", arn, "QueueName", name, "QueueUrl", url));
        }
        // Pass 2: the attributes the template sets (timeouts, retention, redrive policy).
        for (SamTemplate.Resource queue : queues) {
            Map<String, Object> props = queue.properties();
            Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
            copy(props, "VisibilityTimeout", QueueAttributeName.VISIBILITY_TIMEOUT, attributes);
            copy(props, "MessageRetentionPeriod", QueueAttributeName.MESSAGE_RETENTION_PERIOD, attributes);
            copy(props, "DelaySeconds", QueueAttributeName.DELAY_SECONDS, attributes);
            copy(props, "MaximumMessageSize", QueueAttributeName.MAXIMUM_MESSAGE_SIZE, attributes);
            copy(props, "ReceiveMessageWaitTimeSeconds", QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
                    attributes);
            if (props.containsKey("RedrivePolicy")) {
                try {
                    attributes.put(QueueAttributeName.REDRIVE_POLICY,
                            Json.MAPPER.writeValueAsString(intrinsics.resolve(props.get("RedrivePolicy"))));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            String url = ids.ref(queue);
            if (!attributes.isEmpty()) {
                sqs.setQueueAttributes(r -> r.queueUrl(url).attributes(attributes));
            }
            say.accept("queue " + queue.logicalId() + " = " + url);
        }
    }

    @SuppressWarnings("unchecked")
    private void provisionTables(DynamoDbClient dynamo) {
        for (SamTemplate.Resource table : template.resourcesOfType("AWS::DynamoDB::Table")) {
            Map<String, Object> props = table.properties();
            String name = props.containsKey("TableName") ? intrinsics.resolveString(props.get("TableName"))
                    : ids.name(table.logicalId());
            try {
                dynamo.describeTable(r -> r.tableName(name));
            } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
                List<AttributeDefinition> attributes = new ArrayList<>();
                for (Object a : (List<Object>) intrinsics.resolve(props.get("AttributeDefinitions"))) {
                    Map<String, Object> def = (Map<String, Object>) a;
                    attributes.add(AttributeDefinition.builder().attributeName(String.valueOf(def.get("AttributeName")))
                            .attributeType(String.valueOf(def.get("AttributeType"))).build());
                }
                List<KeySchemaElement> keys = new ArrayList<>();
                for (Object k : (List<Object>) intrinsics.resolve(props.get("KeySchema"))) {
                    Map<String, Object> key = (Map<String, Object>) k;
                    keys.add(KeySchemaElement.builder().attributeName(String.valueOf(key.get("AttributeName")))
                            .keyType(String.valueOf(key.get("KeyType"))).build());
                }
                dynamo.createTable(r -> r.tableName(name).attributeDefinitions(attributes).keySchema(keys)
                        .billingMode(String.valueOf(intrinsics.resolve(props.getOrDefault("BillingMode",
                                "PAY_PER_REQUEST")))));
                Object ttl = intrinsics.resolve(props.get("TimeToLiveSpecification"));
                if (ttl instanceof Map<?, ?> spec && Boolean.parseBoolean(String.valueOf(spec.get("Enabled")))) {
                    dynamo.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(t -> t
                            .attributeName(String.valueOf(spec.get("AttributeName"))).enabled(true)));
                }
            }
            String arn = dynamo.describeTable(r -> r.tableName(name)).table().tableArn();
            ids.record(table.logicalId(), name, Map.of("Arn", arn));
            say.accept("table " + table.logicalId() + " = " + name);
        }
    }

    private void copy(Map<String, Object> props, String property, QueueAttributeName name,
                      Map<QueueAttributeName, String> attributes) {
        if (props.containsKey(property)) {
            attributes.put(name, intrinsics.resolveString(props.get(property)));
        }
    }

    private void provisionSecret(SecretsManagerClient secrets, SsmClient ssm, String name, String value) {
        if (name.startsWith("ssm:")) {
            String parameter = name.substring(4);
            try {
                ssm.getParameter(r -> r.name(parameter));
            } catch (ParameterNotFoundException e) {
                ssm.putParameter(r -> r.name(parameter).value(value).type(ParameterType.SECURE_STRING));
                say.accept("secret " + name + " created (SSM SecureString)");
            }
            return;
        }
        try {
            secrets.describeSecret(r -> r.secretId(name));
        } catch (ResourceNotFoundException e) {
            secrets.createSecret(r -> r.name(name).secretString(value));
            say.accept("secret " + name + " created (Secrets Manager)");
        }
    }
}
