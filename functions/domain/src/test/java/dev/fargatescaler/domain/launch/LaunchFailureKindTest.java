package dev.fargatescaler.domain.launch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LaunchFailureKindTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Capacity is unavailable at this time. Please try again later or in a different availability zone|CAPACITY",
            "RESOURCE:CPU|CAPACITY",
            "RESOURCE:MEMORY|CAPACITY",
            "AGENT|CAPACITY",
            "No Container Instances were found in your cluster.|CAPACITY",
            "MISSING|CONFIGURATION",
            "ACCESS DENIED|CONFIGURATION",
            "TaskDefinition is inactive|CONFIGURATION",
            "The specified platform does not satisfy the task definition's required capabilities|OTHER",
            "Something new|OTHER",
            "''|OTHER"})
    void classifiesRunTaskFailureReasons(String reason, LaunchFailureKind expected) {
        assertThat(LaunchFailureKind.classify(reason)).isEqualTo(expected);
    }
}
