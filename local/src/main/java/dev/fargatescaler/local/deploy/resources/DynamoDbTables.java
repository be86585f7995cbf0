package dev.fargatescaler.local.deploy.resources;

import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.local.deploy.ResourceProvisioner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * {@code AWS::DynamoDB::Table}: keys, attribute definitions, billing mode, global secondary indexes and time to
 * live as the template sets them; {@code Ref} is the table name.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html
 */
public final class DynamoDbTables implements ResourceProvisioner {

    @Override
    public String type() {
        return "AWS::DynamoDB::Table";
    }

    @Override
    public boolean neededAtRunTime() {
        return true;
    }

    @Override
    public Created create(String logicalId, Map<String, Object> props, String defaultName, EmulatorClients aws) {
        String name = Props.text(props, "TableName", defaultName);
        DynamoDbClient dynamo = aws.dynamoDb();
        // CloudFormation's default is PROVISIONED, which then needs ProvisionedThroughput.
        BillingMode billing = BillingMode.fromValue(Props.text(props, "BillingMode", "PROVISIONED"));
        TableDescription table;
        try {
            table = dynamo.createTable(r -> {
                r.tableName(name).billingMode(billing).keySchema(keys(Props.list(props, "KeySchema")))
                        .attributeDefinitions(Props.list(props, "AttributeDefinitions").stream().map(Props::map)
                                .map(a -> AttributeDefinition.builder().attributeName(Props.text(a, "AttributeName"))
                                        .attributeType(Props.text(a, "AttributeType")).build()).toList());
                if (billing == BillingMode.PROVISIONED) {
                    r.provisionedThroughput(throughput(Props.map(props, "ProvisionedThroughput")));
                }
                List<GlobalSecondaryIndex> indexes = new ArrayList<>();
                for (Object value : Props.list(props, "GlobalSecondaryIndexes")) {
                    Map<String, Object> index = Props.map(value);
                    GlobalSecondaryIndex.Builder gsi = GlobalSecondaryIndex.builder()
                            .indexName(Props.text(index, "IndexName"))
                            .keySchema(keys(Props.list(index, "KeySchema")))
                            .projection(Projection.builder().projectionType(
                                    Props.text(Props.map(index, "Projection"), "ProjectionType", "ALL"))
                                    .nonKeyAttributes(Props.texts(Props.map(index, "Projection"), "NonKeyAttributes"))
                                    .build());
                    if (billing == BillingMode.PROVISIONED) {
                        gsi.provisionedThroughput(throughput(Props.map(index, "ProvisionedThroughput")));
                    }
                    indexes.add(gsi.build());
                }
                if (!indexes.isEmpty()) {
                    r.globalSecondaryIndexes(indexes);
                }
            }).tableDescription();
        } catch (ResourceInUseException e) {
            table = dynamo.describeTable(r -> r.tableName(name)).table();
        }
        Map<String, Object> ttl = Props.map(props, "TimeToLiveSpecification");
        if (Props.bool(ttl, "Enabled")) {
            dynamo.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(s -> s.enabled(true)
                    .attributeName(Props.text(ttl, "AttributeName"))));
        }
        String arn = table.tableArn();
        return new Created(name, table.latestStreamArn() == null ? Map.of("Arn", arn)
                : Map.of("Arn", arn, "StreamArn", table.latestStreamArn()), "table " + name);
    }

    private static List<KeySchemaElement> keys(List<Object> schema) {
        return schema.stream().map(Props::map).map(k -> KeySchemaElement.builder()
                .attributeName(Props.text(k, "AttributeName")).keyType(Props.text(k, "KeyType")).build()).toList();
    }

    private static ProvisionedThroughput throughput(Map<String, Object> t) {
        return ProvisionedThroughput.builder()
                .readCapacityUnits(Long.parseLong(Props.text(t, "ReadCapacityUnits", "1")))
                .writeCapacityUnits(Long.parseLong(Props.text(t, "WriteCapacityUnits", "1"))).build();
    }
}
