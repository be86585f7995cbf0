package dev.fargatescaler.local.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The SDK clients of local mode's own setup and event sources, built once each from the {@link AwsTarget}
 * (region, endpoint, credentials) when first needed, and closed together.
 */
public final class EmulatorClients implements AutoCloseable {

    private final AwsTarget target;
    private final List<SdkClient> built = new ArrayList<>();
    private SqsClient sqs;
    private EcsClient ecs;
    private Ec2Client ec2;
    private IamClient iam;
    private CloudWatchLogsClient logs;
    private SsmClient ssm;
    private SecretsManagerClient secrets;
    private DynamoDbClient dynamoDb;

    public EmulatorClients(AwsTarget target) {
        this.target = target;
    }

    public AwsTarget target() {
        return target;
    }

    public synchronized SqsClient sqs() {
        return sqs = once(sqs, () -> target.client(SqsClient.builder()));
    }

    public synchronized EcsClient ecs() {
        return ecs = once(ecs, () -> target.client(EcsClient.builder()));
    }

    public synchronized Ec2Client ec2() {
        return ec2 = once(ec2, () -> target.client(Ec2Client.builder()));
    }

    /** IAM is global: the SDK signs for us-east-1 (aws-global) whatever the region; moto accepts either. */
    public synchronized IamClient iam() {
        return iam = once(iam, () -> target.client(IamClient.builder()));
    }

    public synchronized CloudWatchLogsClient logs() {
        return logs = once(logs, () -> target.client(CloudWatchLogsClient.builder()));
    }

    public synchronized SsmClient ssm() {
        return ssm = once(ssm, () -> target.client(SsmClient.builder()));
    }

    public synchronized SecretsManagerClient secrets() {
        return secrets = once(secrets, () -> target.client(SecretsManagerClient.builder()));
    }

    public synchronized DynamoDbClient dynamoDb() {
        return dynamoDb = once(dynamoDb, () -> target.client(DynamoDbClient.builder()));
    }

    private <C extends SdkClient> C once(C existing, Supplier<C> build) {
        if (existing != null) {
            return existing;
        }
        C client = build.get();
        built.add(client);
        return client;
    }

    @Override
    public synchronized void close() {
        built.forEach(SdkClient::close);
        built.clear();
        sqs = null;
        ecs = null;
        ec2 = null;
        iam = null;
        logs = null;
        ssm = null;
        secrets = null;
        dynamoDb = null;
    }
}
