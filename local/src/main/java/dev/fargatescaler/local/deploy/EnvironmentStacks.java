package dev.fargatescaler.local.deploy;

import dev.fargatescaler.domain.environment.Environment;
import dev.fargatescaler.domain.environment.EnvironmentParser;
import dev.fargatescaler.domain.errors.ConfigurationException;
import dev.fargatescaler.local.aws.EmulatorClients;
import dev.fargatescaler.testkit.template.CfnEvaluator;
import dev.fargatescaler.testkit.template.CfnYaml;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Deploys environment.yaml on the emulator, once per local environment, as {@code sam deploy --config-env
 * <name>} deploys it to AWS: stack {@code glfs-env-<name>}, its parameters from {@code local/environments.json},
 * the network it takes as parameters from {@link EmulatorNetwork}, and every resource it creates
 * ({@link StackDeployer}). So local mode's cluster, task definition, log group, roles and SSM registration
 * have the deployed names, by construction.
 */
public final class EnvironmentStacks {

    /** What one environment stack created, and the environment as the scaler reads it from SSM. */
    public record Deployed(String name, String stackName, Environment environment, String ssmParameter,
                           Map<String, String> created, EmulatorNetwork.Network network, String account) {

        public String cluster() {
            return environment.cluster();
        }
    }

    /**
     * The values a deployment of the stack needs from its surroundings.
     *
     * @param accountId             the control plane's account
     * @param controlPlaneRoleArns  the control plane's scaler and sweeper roles, which an environment in another
     *                              account trusts
     */
    public record Surroundings(String region, String accountId, String gitLabUrl, String environmentsSsmPath,
                               List<String> controlPlaneRoleArns) {
    }

    private final Map<String, Object> template;
    private final Surroundings surroundings;

    public EnvironmentStacks(Path environmentTemplate, Surroundings surroundings) {
        this.template = CfnYaml.read(environmentTemplate);
        this.surroundings = surroundings;
    }

    public static String stackName(String environment) {
        return "glfs-env-" + environment;
    }

    /** The runner token secret of an environment, created on the emulator (the task never runs: a dummy). */
    static String runnerTokenSecret(String environment) {
        return "local/glfs-" + environment + "-runner-token";
    }

    /** The secret of the runner token of the environment's size class in token slot {@code slot}. */
    static String sizeClassTokenSecret(String environment, int slot) {
        return "local/glfs-" + environment + "-size-class-" + slot + "-runner-token";
    }

    /** The token slots the entry's size classes use (environment.yaml {@code SizeClass<n>TokenSecretArn}). */
    static List<Integer> tokenSlots(LocalEnvironments.Entry entry) {
        List<Integer> slots = new ArrayList<>();
        String classes = entry.parameters().get("SizeClasses");
        if (classes == null) {
            return slots;
        }
        try {
            for (com.fasterxml.jackson.databind.JsonNode c : dev.fargatescaler.domain.json.Json.MAPPER.readTree(classes)) {
                if (c.path("tokenSlot").canConvertToInt()) {
                    slots.add(c.path("tokenSlot").intValue());
                }
            }
        } catch (java.io.IOException e) {
            // The entry was parsed before; an unreadable value is reported by environment.yaml's own check.
        }
        return slots;
    }

    /**
     * What CloudFormation would refuse for this entry (parameters, rules), and whether the environment JSON the
     * stack would register parses with the scaler's parser; nothing is created.
     */
    public List<String> check(LocalEnvironments.Entry entry) {
        Map<Integer, String> classTokens = new LinkedHashMap<>();
        for (int slot : tokenSlots(entry)) {
            classTokens.put(slot, "arn:aws:secretsmanager:" + surroundings.region() + ":" + surroundings.accountId()
                    + ":secret:" + sizeClassTokenSecret(entry.name(), slot) + "-AbCdEf");
        }
        CfnEvaluator stack = evaluator(entry, new EmulatorNetwork.Network("vpc-00000000",
                        List.of("subnet-00000000", "subnet-00000001")),
                "arn:aws:secretsmanager:" + surroundings.region() + ":" + account(entry) + ":secret:"
                        + runnerTokenSecret(entry.name()) + "-AbCdEf", classTokens, CfnEvaluator.PhysicalIds.none());
        List<String> problems = new ArrayList<>();
        for (String problem : stack.problems()) {
            problems.add("environment.yaml " + problem);
        }
        if (problems.isEmpty()) {
            try {
                registered(stack, Map.of("Cluster", "glfs-" + entry.name(), "SecurityGroup", "sg-00000000"));
            } catch (ConfigurationException e) {
                e.problems().forEach(p -> problems.add("the environment environment.yaml registers: " + p));
            } catch (CfnEvaluator.Unresolvable e) {
                problems.add("environment.yaml cannot be evaluated: " + e.getMessage());
            }
        }
        return problems;
    }

    /** The account the entry's stack is deployed in. */
    private String account(LocalEnvironments.Entry entry) {
        return entry.account() == null ? surroundings.accountId() : entry.account();
    }

    /**
     * Deploys the entry's stack on the emulator, with {@code aws} (clients of the entry's account). An environment in
     * another account registers itself in that account; it is then registered with the control plane as the
     * operator does it (docs/deploy.md): its parameter copied to the same name in the control plane's account, with
     * {@code controlPlane}'s clients.
     */
    public Deployed deploy(LocalEnvironments.Entry entry, EmulatorClients aws, EmulatorClients controlPlane,
                           Consumer<String> say) throws IOException {
        EmulatorNetwork.Network network = new EmulatorNetwork(aws).forEnvironment(entry.name(), entry.index());
        String tokenArn = new LocalSecrets(aws, say).createIfMissing(runnerTokenSecret(entry.name()),
                "glrt-local-" + entry.name() + "-not-a-real-token");
        Map<Integer, String> classTokens = new LinkedHashMap<>();
        for (int slot : tokenSlots(entry)) {
            classTokens.put(slot, new LocalSecrets(aws, say).createIfMissing(sizeClassTokenSecret(entry.name(), slot),
                    "glrt-local-" + entry.name() + "-size-class-" + slot + "-not-a-real-token"));
        }
        String stackName = stackName(entry.name());
        LocalPhysicalIds ids = new LocalPhysicalIds(stackName, surroundings.region(), account(entry),
                ResourceTypes.types());
        CfnEvaluator stack = evaluator(entry, network, tokenArn, classTokens, ids);
        Map<String, String> created = new StackDeployer(stack, ids, aws, say).deploy();
        String parameter = stack.resolveString(Map.of("Fn::Sub", "${EnvironmentsSsmPath}/${EnvironmentName}"));
        String json = aws.ssm().getParameter(r -> r.name(parameter)).parameter().value();
        if (entry.account() != null) {
            controlPlane.ssm().putParameter(r -> r.name(parameter).type("String").value(json).overwrite(true));
            say.accept("environment " + entry.name() + " is in account " + entry.account() + ": its registration "
                    + parameter + " copied to the control plane's account " + surroundings.accountId()
                    + " (the operator's step, docs/deploy.md)");
        }
        Environment environment = EnvironmentParser.parseDocuments(Map.of(parameter, json)).all().get(0);
        return new Deployed(entry.name(), stackName, environment, parameter, created, network, entry.account());
    }

    private CfnEvaluator evaluator(LocalEnvironments.Entry entry, EmulatorNetwork.Network network, String tokenArn,
                                   Map<Integer, String> classTokens, CfnEvaluator.PhysicalIds ids) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("GitLabUrl", surroundings.gitLabUrl());
        parameters.put("RunnerTokenSecretArn", tokenArn);
        classTokens.forEach((slot, arn) -> parameters.put("SizeClass" + slot + "TokenSecretArn", arn));
        parameters.put("EnvironmentsSsmPath", surroundings.environmentsSsmPath());
        parameters.put("VpcId", network.vpcId());
        parameters.put("SubnetIds", String.join(",", network.subnetIds()));
        parameters.putAll(entry.parameters());
        if (entry.account() != null) {
            parameters.put("ControlPlaneAccountId", surroundings.accountId());
            parameters.put("ControlPlaneRoleArns", String.join(",", surroundings.controlPlaneRoleArns()));
        }
        return new CfnEvaluator(template, parameters, new CfnEvaluator.Deployment(surroundings.region(),
                account(entry), stackName(entry.name())), ids);
    }

    /** The environment JSON the stack writes to SSM, parsed by the scaler's parser. */
    private static Environment registered(CfnEvaluator stack, Map<String, String> stubIds) {
        CfnEvaluator withIds = new CfnEvaluator(stack.template(), textParameters(stack), stack.deployment(),
                new CfnEvaluator.PhysicalIds() {
                    @Override
                    public String ref(String logicalId, String type) {
                        return stubIds.getOrDefault(logicalId, logicalId);
                    }

                    @Override
                    public String getAtt(String logicalId, String type, String attribute) {
                        return type.equals("AWS::IAM::Role") && attribute.equals("Arn")
                                ? "arn:aws:iam::" + stack.deployment().accountId() + ":role/" + logicalId
                                : logicalId + "." + attribute;
                    }
                });
        String name = withIds.resolveString(withIds.resourceProperties("EnvironmentParameter").get("Name"));
        String value = withIds.resolveString(withIds.resourceProperties("EnvironmentParameter").get("Value"));
        return EnvironmentParser.parseDocuments(Map.of(name, value)).all().get(0);
    }

    private static Map<String, String> textParameters(CfnEvaluator stack) {
        Map<String, String> text = new LinkedHashMap<>();
        stack.parameters().forEach((k, v) -> text.put(k, v instanceof List<?> l
                ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v)));
        return text;
    }
}
