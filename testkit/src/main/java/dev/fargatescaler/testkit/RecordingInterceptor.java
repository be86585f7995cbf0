package dev.fargatescaler.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * A global SDK interceptor (registered through the SDK's {@code execution.interceptors} classpath resource) that
 * appends every marshalled AWS request of the test JVM (RunTask, SendMessage, ChangeMessageVisibility…) to
 * {@code <glfs.test.traffic.dir>/sdk-requests.log}. Inactive unless that system property is set, which the
 * build does for tests only, so local mode is unaffected.
 */
public final class RecordingInterceptor implements ExecutionInterceptor {

    private static final String DIRECTORY = System.getProperty("glfs.test.traffic.dir");
    private static final java.util.List<String> STORES_A_SECRET = java.util.List.of(
            "secretsmanager.CreateSecret", "secretsmanager.PutSecretValue", "secretsmanager.UpdateSecret",
            "AmazonSSM.PutParameter");

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (DIRECTORY == null) {
            return;
        }
        String target = context.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
        if (STORES_A_SECRET.stream().anyMatch(target::endsWith)) {
            // Test set-up putting a secret INTO the secret store is the one place a secret legitimately travels.
            return;
        }
        StringBuilder line = new StringBuilder()
                .append(context.httpRequest().method()).append(' ')
                .append(context.httpRequest().getUri()).append(' ')
                .append(target).append(' ');
        context.requestBody().ifPresent(body -> {
            try (InputStream in = body.contentStreamProvider().newStream()) {
                line.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                line.append("<unreadable body>");
            }
        });
        line.append('\n');
        write(line.toString());
    }

    private static synchronized void write(String line) {
        try {
            Path dir = Path.of(DIRECTORY);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("sdk-requests.log"), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
