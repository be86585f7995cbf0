package dev.fargatescaler.domain.environment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Against AWS's table of Fargate task CPU and memory
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size),
 * written out here row by row rather than computed like the production table.
 */
class FargateTaskSizesTest {

    @Test
    void acceptsEveryCombinationOfAwsTable() {
        List<int[]> valid = new ArrayList<>();
        for (int m : new int[] {512, 1024, 2048}) {
            valid.add(new int[] {256, m});
        }
        for (int gb = 1; gb <= 4; gb++) {
            valid.add(new int[] {512, gb * 1024});
        }
        for (int gb = 2; gb <= 8; gb++) {
            valid.add(new int[] {1024, gb * 1024});
        }
        for (int gb = 4; gb <= 16; gb++) {
            valid.add(new int[] {2048, gb * 1024});
        }
        for (int gb = 8; gb <= 30; gb++) {
            valid.add(new int[] {4096, gb * 1024});
        }
        for (int gb = 16; gb <= 60; gb += 4) {
            valid.add(new int[] {8192, gb * 1024});
        }
        for (int gb = 32; gb <= 120; gb += 8) {
            valid.add(new int[] {16384, gb * 1024});
        }
        assertThat(valid).hasSize(3 + 4 + 7 + 13 + 23 + 12 + 12);
        for (int[] size : valid) {
            assertThat(FargateTaskSizes.problem(size[0], size[1])).as("%s/%s", size[0], size[1]).isEmpty();
        }
    }

    @Test
    void rejectsWhatTheTableDoesNotList() {
        int[][] invalid = {
                {256, 1536}, {256, 4096}, {512, 512}, {512, 5120}, {1024, 1024}, {1024, 9216}, {2048, 3072},
                {2048, 17408}, {4096, 31744}, {4096, 4096}, {8192, 18432}, {8192, 65536}, {8192, 12288},
                {16384, 36864}, {16384, 131072}, {3072, 8192}, {128, 512}, {32768, 131072}, {1024, 2500}};
        for (int[] size : invalid) {
            assertThat(FargateTaskSizes.problem(size[0], size[1])).as("%s/%s", size[0], size[1]).isPresent();
        }
    }

    @Test
    void explainsTheValidMemoryForTheCpu() {
        assertThat(FargateTaskSizes.problem(4096, 4096)).hasValueSatisfying(p ->
                assertThat(p).contains("cpu 4096").contains("8192 to 30720 MiB in steps of 1024"));
        assertThat(FargateTaskSizes.problem(3000, 4096)).hasValueSatisfying(p ->
                assertThat(p).contains("256, 512, 1024, 2048, 4096, 8192 or 16384"));
    }

    @Test
    void ephemeralStorageFrom21To200GiB() {
        assertThat(FargateTaskSizes.storageProblem(21)).isEmpty();
        assertThat(FargateTaskSizes.storageProblem(200)).isEmpty();
        assertThat(FargateTaskSizes.storageProblem(20)).isPresent();
        assertThat(FargateTaskSizes.storageProblem(201)).isPresent();
    }
}
