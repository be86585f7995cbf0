package dev.fargatescaler.shared.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fargatescaler.domain.environment.AccountAccess;
import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.launch.LaunchResult;
import dev.fargatescaler.domain.launch.TaskLaunch;
import dev.fargatescaler.shared.aws.AwsTarget;
import dev.fargatescaler.shared.aws.EcsTaskLauncher;
import dev.fargatescaler.testkit.FaultInjectingHttpClient;
import dev.fargatescaler.testkit.MotoAccounts;
import dev.fargatescaler.testkit.MotoEcsFixture;
import dev.fargatescaler.testkit.MotoServer;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * An environment in a second account, through the production wiring against moto_server: its ECS calls are
 * signed with the role's credentials from STS AssumeRole, assumed on first use only, once per role per container,
 * and again after a SnapStart restore. moto attributes a request to an account by its access key (see
 * {@link MotoAccounts}), so a task started with the role's credentials is in the second account.
 */
class AssumedRoleEcsMotoTest {

    private static final String OTHER_ACCOUNT = "210987654321";
    private static final String ROLE = "arn:aws:iam::" + OTHER_ACCOUNT + ":role/glfs-production-control";

    private static MotoServer moto;
    private static MotoEcsFixture controlPlane;
    private static MotoEcsFixture otherAccount;
    private static Environment production;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        controlPlane = MotoEcsFixture.connect(moto.endpoint());
        otherAccount = MotoEcsFixture.connect(moto.endpoint(), Region.US_EAST_1,
                MotoAccounts.credentials(moto.endpoint(), Region.US_EAST_1, OTHER_ACCOUNT));
        controlPlane.freezeTaskStates();
        // The same names in both accounts: only the credentials decide where a task starts.
        controlPlane.provision("production");
        MotoEcsFixture.Provisioned there = otherAccount.provision("production");
        production = EnvironmentParser.parseArray("[" + there.environmentJson("[\"production\"]", false, 5,
                "\"assumeRole\":{\"roleArn\":\"" + ROLE + "\",\"externalId\":\"glfs-test-7f3a\"}") + "]", "test")
                .all().get(0);
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    private static FunctionWiring wiring(FaultInjectingHttpClient http) {
        return new FunctionWiring(Map.of("AWS_LAMBDA_FUNCTION_NAME", "glfs-scaler"), AwsTarget.of(Map.of(
                "AWS_ENDPOINT_URL", moto.endpoint(), "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "testing",
                "AWS_SECRET_ACCESS_KEY", "testing")), http, Clock.systemUTC());
    }

    private static long assumeRoleCalls(FaultInjectingHttpClient http) {
        return http.bodies().stream().filter(b -> b.contains("Action=AssumeRole")).count();
    }

    private static TaskLaunch launch(long jobId) {
        return new TaskLaunch(production, production.startedBy(9, jobId), production.group(),
                "glfs-production-9-" + jobId + "-0", false, Map.of("glfs:job-id", Long.toString(jobId)),
                Map.of("GLFS_JOB_ID", Long.toString(jobId)));
    }

    @Test
    void launchesInTheRolesAccountAssumingTheRoleOnFirstUseOnlyAndAgainAfterARestore() {
        FaultInjectingHttpClient http = new FaultInjectingHttpClient(UrlConnectionHttpClient.create());
        FunctionWiring wiring = wiring(http);
        EcsTaskLauncher tasks = wiring.ecsTasks();
        wiring.ecsForLaunches(production.account());
        assertThat(assumeRoleCalls(http)).as("building the client assumes nothing").isZero();

        LaunchResult first = tasks.runTask(launch(1));
        LaunchResult second = tasks.runTask(launch(2));
        tasks.countActiveTasks(production);

        assertThat(first).isInstanceOf(LaunchResult.Started.class);
        assertThat(((LaunchResult.Started) first).taskArn()).contains(":" + OTHER_ACCOUNT + ":");
        assertThat(second).isInstanceOf(LaunchResult.Started.class);
        assertThat(otherAccount.runningTasks("glfs-production")).hasSize(2);
        assertThat(controlPlane.runningTasks("glfs-production")).as("nothing in the control plane's account").isEmpty();
        assertThat(assumeRoleCalls(http)).as("credentials cached: one AssumeRole for three calls").isEqualTo(1);
        String assume = http.bodies().stream().filter(b -> b.contains("Action=AssumeRole")).findFirst().orElseThrow();
        assertThat(assume).contains("RoleArn=arn%3Aaws%3Aiam%3A%3A" + OTHER_ACCOUNT)
                .contains("ExternalId=glfs-test-7f3a").contains("RoleSessionName=glfs-glfs-scaler")
                .contains("DurationSeconds=3600");

        var before = wiring.ecsForLaunches(production.account());
        wiring.afterRestore();
        var after = wiring.ecsForLaunches(production.account());
        tasks.runTask(launch(3));

        assertThat(after).as("a restored container builds the role's client afresh").isNotSameAs(before);
        assertThat(assumeRoleCalls(http)).as("and assumes the role again").isEqualTo(2);
        assertThat(otherAccount.runningTasks("glfs-production")).hasSize(3);
    }

    @Test
    void primingSignsWithTheOwnClientAndAssumesNoRole() {
        FaultInjectingHttpClient http = new FaultInjectingHttpClient(UrlConnectionHttpClient.create());
        FunctionWiring wiring = wiring(http);

        wiring.ecsTasks().prime(launch(4));

        assertThat(assumeRoleCalls(http)).isZero();
        assertThat(http.bodies()).as("priming sends nothing").isEmpty();
    }

    @Test
    void oneClientPerRoleAndTheOwnAccountsClientForEnvironmentsWithoutARole() {
        FunctionWiring wiring = wiring(new FaultInjectingHttpClient(UrlConnectionHttpClient.create()));
        AccountAccess same = new AccountAccess(ROLE, "glfs-test-7f3a");

        assertThat(wiring.ecsForLaunches(production.account())).isSameAs(wiring.ecsForLaunches(same));
        assertThat(wiring.ecsForLaunches(new AccountAccess(ROLE, null)))
                .isNotSameAs(wiring.ecsForLaunches(production.account()));
        assertThat(wiring.ecsForLaunches(AccountAccess.OWN)).isSameAs(wiring.ecsForLaunches());
        assertThat(wiring.ecsForSweeps(AccountAccess.OWN)).isSameAs(wiring.ecsForSweeps());
        assertThat(wiring.ecsForSweeps(same)).isNotSameAs(wiring.ecsForLaunches(same));
    }
}
