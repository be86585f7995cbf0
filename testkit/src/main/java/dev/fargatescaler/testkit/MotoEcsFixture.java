package dev.fargatescaler.testkit;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Provisions, in {@code moto_server}, what one environment of this product needs: a VPC with DNS hostnames
 * enabled (moto answers 500 to an {@code awsvpc} RunTask without it), two subnets, a security group, an ECS
 * cluster named {@code glfs-<environment>} with the Fargate capacity providers, and a Fargate task definition
 * {@code glfs-<environment>-runner} (the names environment.yaml gives) whose container has {@code memory} set
 * (moto requires it). Used by tests (local mode deploys environment.yaml itself).
 *
 * <pre>try (MotoServer moto = MotoServer.start()) {
 *     MotoEcsFixture ecs = MotoEcsFixture.connect(moto.endpoint());
 *     MotoEcsFixture.Provisioned dev = ecs.provision("dev");
 *     String json = dev.environmentJson("[\"dev\"]", true, 10);
 * }</pre>
 */
public final class MotoEcsFixture {

    public static final String CONTAINER_NAME = "runner";
    private static final AtomicInteger NEXT_CIDR = new AtomicInteger(10);

    private final String endpoint;
    private final Region region;
    private final Ec2Client ec2;
    private final EcsClient ecs;

    /** What {@link #provision} created for one environment. */
    public record Provisioned(String environment, String vpcId, List<String> subnets, List<String> securityGroups,
                              String cluster, String clusterArn, String taskDefinitionFamily,
                              String taskDefinitionArn) {

        /**
         * This environment as one JSON object of the scaler's environments format (docs/configuration.md).
         *
         * @param tagsJson   a JSON array of tags, e.g. {@code ["fargate","dev"]}
         * @param extraJson  more fields to add verbatim (e.g. {@code "priority": 5}), or empty; a
         *                   {@code launchMode} given here replaces the default {@code FARGATE}
         */
        public String environmentJson(String tagsJson, boolean runUntagged, int maxConcurrentTasks,
                                      String extraJson) {
            return "{\"name\":\"" + environment + "\",\"tags\":" + tagsJson + ",\"runUntagged\":" + runUntagged
                    + ",\"cluster\":\"" + cluster + "\",\"taskDefinition\":\"" + taskDefinitionFamily + "\""
                    + ",\"containerName\":\"" + CONTAINER_NAME + "\",\"subnets\":" + jsonArray(subnets)
                    + ",\"securityGroups\":" + jsonArray(securityGroups) + ",\"assignPublicIp\":false"
                    + (extraJson != null && extraJson.contains("\"launchMode\"") ? ""
                            : ",\"launchMode\":{\"type\":\"FARGATE\"}")
                    + ",\"maxConcurrentTasks\":" + maxConcurrentTasks
                    + (extraJson == null || extraJson.isBlank() ? "" : "," + extraJson) + "}";
        }

        public String environmentJson(String tagsJson, boolean runUntagged, int maxConcurrentTasks) {
            return environmentJson(tagsJson, runUntagged, maxConcurrentTasks, "");
        }
    }

    private MotoEcsFixture(String endpoint, Region region, Ec2Client ec2, EcsClient ecs) {
        this.endpoint = endpoint;
        this.region = region;
        this.ec2 = ec2;
        this.ecs = ecs;
    }

    /** Clients pointed at {@code endpoint} with dummy credentials, region us-east-1. */
    public static MotoEcsFixture connect(String endpoint) {
        return connect(endpoint, Region.US_EAST_1);
    }

    /** Clients pointed at {@code endpoint} with dummy credentials, in {@code region} (moto keeps regions apart). */
    public static MotoEcsFixture connect(String endpoint, Region region) {
        return connect(endpoint, region, StaticCredentialsProvider.create(
                AwsBasicCredentials.create("testing", "testing")));
    }

    /** As above, as {@code credentials}: {@link MotoAccounts#credentials} for another account than moto's default. */
    public static MotoEcsFixture connect(String endpoint, Region region,
                                         software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
        SdkHttpClient http = UrlConnectionHttpClient.create();
        Ec2Client ec2 = Ec2Client.builder().endpointOverride(URI.create(endpoint)).region(region)
                .credentialsProvider(credentials).httpClient(http).build();
        EcsClient ecs = EcsClient.builder().endpointOverride(URI.create(endpoint)).region(region)
                .credentialsProvider(credentials).httpClient(http).build();
        return new MotoEcsFixture(endpoint, region, ec2, ecs);
    }

    public EcsClient ecs() {
        return ecs;
    }

    public Ec2Client ec2() {
        return ec2;
    }

    /** Creates the network, cluster and task definition of one environment. */
    public Provisioned provision(String environment) {
        int octet = NEXT_CIDR.getAndIncrement() % 250;
        String vpcId = ec2.createVpc(r -> r.cidrBlock("10." + octet + ".0.0/16")).vpc().vpcId();
        ec2.modifyVpcAttribute(r -> r.vpcId(vpcId).enableDnsSupport(AttributeBooleanValue.builder().value(true).build()));
        ec2.modifyVpcAttribute(r -> r.vpcId(vpcId).enableDnsHostnames(AttributeBooleanValue.builder().value(true).build()));
        List<String> subnets = new ArrayList<>();
        String[] zones = {region.id() + "a", region.id() + "b"};
        for (int i = 0; i < zones.length; i++) {
            String cidr = "10." + octet + "." + i + ".0/24";
            String zone = zones[i];
            subnets.add(ec2.createSubnet(r -> r.vpcId(vpcId).cidrBlock(cidr).availabilityZone(zone)).subnet()
                    .subnetId());
        }
        String sg = ec2.createSecurityGroup(r -> r.vpcId(vpcId).groupName("glfs-" + environment + "-tasks")
                .description("GitLab runner tasks of " + environment)).groupId();
        String cluster = "glfs-" + environment;
        String clusterArn = ecs.createCluster(r -> r.clusterName(cluster)
                .capacityProviders("FARGATE", "FARGATE_SPOT")).cluster().clusterArn();
        String family = "glfs-" + environment + "-runner";
        String taskDefinitionArn = ecs.registerTaskDefinition(r -> r.family(family)
                .networkMode(NetworkMode.AWSVPC)
                .requiresCompatibilities(Compatibility.FARGATE)
                .cpu("256").memory("512")
                .containerDefinitions(ContainerDefinition.builder()
                        .name(CONTAINER_NAME)
                        .image("registry.gitlab.com/gitlab-org/gitlab-runner:alpine")
                        .memory(512)
                        .essential(true)
                        .build()))
                .taskDefinition().taskDefinitionArn();
        return new Provisioned(environment, vpcId, List.copyOf(subnets), List.of(sg), cluster, clusterArn, family,
                taskDefinitionArn);
    }

    /**
     * Provisions {@code dev}, {@code staging} and {@code production} and returns their {@code ENVIRONMENTS} JSON,
     * the configuration that {@code events/scaler-sqs-pending-jobs.json} and
     * {@code events/scaler-gitlab-jobs.wiremock.json} are written for (see events/README.md): dev serves
     * {@code fargate}, {@code dev} and untagged jobs; staging {@code fargate}, {@code staging}; production
     * {@code fargate}, {@code production}, only for project 42 on {@code main}. All use on-demand Fargate,
     * because moto cannot run a capacity-provider strategy.
     */
    public String provisionSampleEnvironments() {
        Provisioned dev = provision("dev");
        Provisioned staging = provision("staging");
        Provisioned production = provision("production");
        return "[" + dev.environmentJson("[\"fargate\",\"dev\"]", true, 10) + ","
                + staging.environmentJson("[\"fargate\",\"staging\"]", false, 10) + ","
                + production.environmentJson("[\"fargate\",\"production\"]", false, 5,
                        "\"guards\":{\"projectIds\":[42],\"refPattern\":\"main\"}") + "]";
    }

    /** Every task of a cluster that ECS has not stopped, described (tags included). */
    public List<Task> runningTasks(String cluster) {
        List<String> arns = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            var page = ecs.listTasks(r -> r.cluster(cluster).desiredStatus(DesiredStatus.RUNNING).nextToken(token));
            arns.addAll(page.taskArns());
            next = page.nextToken();
        } while (next != null);
        List<Task> tasks = new ArrayList<>();
        for (int from = 0; from < arns.size(); from += 100) {
            List<String> chunk = arns.subList(from, Math.min(arns.size(), from + 100));
            tasks.addAll(ecs.describeTasks(r -> r.cluster(cluster).tasks(chunk)
                    .include(software.amazon.awssdk.services.ecs.model.TaskField.TAGS)).tasks());
        }
        return tasks;
    }

    /**
     * Keeps moto's tasks in their current state: by default moto moves a task one step towards STOPPED on every
     * DescribeTasks, which would make tasks vanish under tests that describe often.
     * http://docs.getmoto.org/en/latest/docs/configuration/state_transition/index.html
     */
    public void freezeTaskStates() {
        post("/moto-api/state-manager/set-transition",
                "{\"model_name\":\"ecs::task\",\"transition\":{\"progression\":\"manual\",\"times\":1000000}}");
    }

    private void post(String path, String json) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint + path).toURL().openConnection();
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            connection.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
            int status = connection.getResponseCode();
            connection.disconnect();
            if (status >= 300) {
                throw new IllegalStateException("moto_server answered " + status + " to " + path);
            }
        } catch (IOException e) {
            throw new IllegalStateException("moto_server call failed: " + path, e);
        }
    }

    private static String jsonArray(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }
}
