package dev.fargatescaler.local.deploy;

import dev.fargatescaler.local.aws.EmulatorClients;
import java.util.function.Consumer;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The secrets local mode puts on the emulator (never on a real account): those of {@code local/stack.json}
 * (kept when they exist), a GitLab token given on the command line, each environment's runner token. Names
 * starting with {@code ssm:} are SSM SecureStrings, others Secrets Manager secrets, as the functions read them.
 * Values are never printed.
 */
public final class LocalSecrets {

    private final EmulatorClients aws;
    private final Consumer<String> say;

    public LocalSecrets(EmulatorClients aws, Consumer<String> say) {
        this.aws = aws;
        this.say = say;
    }

    /** Creates the secret when missing (an existing one keeps its value); returns its ARN. */
    public String createIfMissing(String name, String value) {
        if (name.startsWith("ssm:")) {
            String parameter = name.substring(4);
            try {
                return aws.ssm().getParameter(r -> r.name(parameter)).parameter().arn();
            } catch (ParameterNotFoundException e) {
                aws.ssm().putParameter(r -> r.name(parameter).value(value).type(ParameterType.SECURE_STRING));
                say.accept("secret " + name + " created (SSM SecureString)");
                return aws.ssm().getParameter(r -> r.name(parameter)).parameter().arn();
            }
        }
        try {
            return aws.secrets().describeSecret(r -> r.secretId(name)).arn();
        } catch (ResourceNotFoundException e) {
            String arn = aws.secrets().createSecret(r -> r.name(name).secretString(value)).arn();
            say.accept("secret " + name + " created (Secrets Manager)");
            return arn;
        }
    }

    /** Creates or overwrites a Secrets Manager secret (a token given on the command line wins). */
    public String put(String name, String value) {
        try {
            aws.secrets().putSecretValue(r -> r.secretId(name).secretString(value));
            return aws.secrets().describeSecret(r -> r.secretId(name)).arn();
        } catch (ResourceNotFoundException e) {
            return aws.secrets().createSecret(r -> r.name(name).secretString(value)).arn();
        }
    }
}
