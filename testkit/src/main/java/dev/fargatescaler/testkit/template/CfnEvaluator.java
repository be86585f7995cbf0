package dev.fargatescaler.testkit.template;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Evaluates a CloudFormation template (as {@link CfnYaml} reads it) for given parameter values, the way
 * CloudFormation does when it deploys it: parameter values checked against their declarations, {@code Rules},
 * {@code Conditions}, and the intrinsic functions {@code Ref} (parameters, pseudo parameters, resources),
 * {@code Fn::Sub}, {@code Fn::GetAtt}, {@code Fn::If}, {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split},
 * {@code Fn::FindInMap}, {@code Fn::Equals}, {@code Fn::Not}, {@code Fn::And}, {@code Fn::Or},
 * {@code Fn::GetAZs}, {@code Fn::Base64}. Anything else (e.g. {@code Fn::ImportValue}) throws
 * {@link Unresolvable}. The one evaluator of the project: local mode runs templates with it, the deploy checks
 * audit what a stack would write with it.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
public final class CfnEvaluator {

    /** {@code AWS::NoValue}: the property or list element is removed. */
    public static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    /** An expression that cannot be evaluated here (the caller decides what stands in for it). */
    public static final class Unresolvable extends RuntimeException {
        public Unresolvable(String message) {
            super(message);
        }
    }

    /** What {@code Ref} and {@code Fn::GetAtt} give for the template's resources: null when unknown. */
    public interface PhysicalIds {
        String ref(String logicalId, String type);

        String getAtt(String logicalId, String type, String attribute);

        /** Knows no resource: every resource {@code Ref} is unresolvable. */
        static PhysicalIds none() {
            return new PhysicalIds() {
                @Override
                public String ref(String logicalId, String type) {
                    return null;
                }

                @Override
                public String getAtt(String logicalId, String type, String attribute) {
                    return null;
                }
            };
        }
    }

    /**
     * Where the stack is deployed: the pseudo parameters.
     * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
     */
    public record Deployment(String region, String accountId, String stackName) {
        public Deployment {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(stackName, "stackName");
        }

        public String partition() {
            return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
        }

        public String urlSuffix() {
            return region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
        }
    }

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final Map<String, Object> template;
    private final Deployment deployment;
    private final PhysicalIds physicalIds;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final List<String> parameterProblems = new ArrayList<>();

    /**
     * @param parameterValues the values given for the stack's parameters, as text (as {@code aws cloudformation
     *                        deploy --parameter-overrides} takes them); declared defaults fill the rest
     */
    public CfnEvaluator(Map<String, Object> template, Map<String, String> parameterValues, Deployment deployment,
                        PhysicalIds physicalIds) {
        this.template = Objects.requireNonNull(template);
        this.deployment = Objects.requireNonNull(deployment);
        this.physicalIds = Objects.requireNonNull(physicalIds);
        Map<String, Object> declarations = section("Parameters");
        parameterValues.forEach((name, value) -> {
            if (!declarations.containsKey(name)) {
                parameterProblems.add("parameter " + name + " is not declared by the template (its parameters: "
                        + String.join(", ", declarations.keySet()) + ")");
            }
        });
        declarations.forEach((name, declaration) -> {
            Map<String, Object> d = map(declaration);
            Object given = parameterValues.containsKey(name) ? parameterValues.get(name) : d.get("Default");
            if (given == null) {
                parameterProblems.add("parameter " + name + " needs a value (it has no default)");
                return;
            }
            String text = given instanceof List<?> list ? String.join(",", list.stream().map(CfnEvaluator::text).toList())
                    : text(given);
            Object typed = typed(String.valueOf(d.getOrDefault("Type", "String")), text);
            parameterProblems.addAll(ParameterConstraints.check(name, d, typed));
            parameters.put(name, typed);
        });
    }

    /**
     * A parameter's value as {@code Ref} gives it: list types are lists (each member space-trimmed), everything
     * else is text (numbers too).
     * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
     */
    private static Object typed(String type, String text) {
        if ("CommaDelimitedList".equals(type) || type.startsWith("List<")) {
            return Arrays.stream(text.split(",", -1)).map(String::strip).toList();
        }
        return text;
    }

    public Map<String, Object> template() {
        return template;
    }

    public Deployment deployment() {
        return deployment;
    }

    /** Every parameter's value (given, else its default), typed as {@code Ref} gives it. */
    public Map<String, Object> parameters() {
        return Map.copyOf(parameters);
    }

    /**
     * Everything CloudFormation would refuse before creating anything, all at once: parameters without a value,
     * undeclared parameters, values outside their declared constraints, and {@code Rules} whose assertions fail.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(parameterProblems);
        if (parameterProblems.isEmpty()) {
            problems.addAll(ruleProblems());
        }
        return problems;
    }

    /**
     * The template's {@code Rules}: each rule whose {@code RuleCondition} holds (or that has none) must have every
     * {@code Assert} true.
     * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html
     */
    private List<String> ruleProblems() {
        List<String> problems = new ArrayList<>();
        section("Rules").forEach((name, value) -> {
            Map<String, Object> rule = map(value);
            try {
                if (rule.containsKey("RuleCondition") && !truth(resolve(rule.get("RuleCondition")))) {
                    return;
                }
                for (Object assertion : list(rule.getOrDefault("Assertions", List.of()), "Assertions")) {
                    Map<String, Object> a = map(assertion);
                    if (!truth(resolve(a.get("Assert")))) {
                        problems.add("rule " + name + ": " + a.getOrDefault("AssertDescription", "assertion failed"));
                    }
                }
            } catch (Unresolvable e) {
                problems.add("rule " + name + " cannot be checked: " + e.getMessage());
            }
        });
        return problems;
    }

    /** Resolves to a String, Number, Boolean, List, Map or {@link #NO_VALUE}. */
    public Object resolve(Object node) {
        if (node instanceof Map<?, ?> map && map.size() == 1) {
            Map.Entry<?, ?> entry = map.entrySet().iterator().next();
            String key = String.valueOf(entry.getKey());
            if ("Ref".equals(key) || key.startsWith("Fn::") || "Condition".equals(key)) {
                return function(key, entry.getValue());
            }
        }
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                Object resolved = resolve(v);
                if (resolved != NO_VALUE) {
                    out.put(String.valueOf(k), resolved);
                }
            });
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                Object resolved = resolve(item);
                if (resolved != NO_VALUE) {
                    out.add(resolved);
                }
            }
            return out;
        }
        return node;
    }

    /** Resolves to text (an environment variable's value, a name); null for {@code AWS::NoValue}. */
    public String resolveString(Object node) {
        Object value = resolve(node);
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new Unresolvable("not a scalar: " + node);
        }
        return value == null || value == NO_VALUE ? null : text(value);
    }

    public boolean condition(String name) {
        Object expression = section("Conditions").get(name);
        if (expression == null) {
            throw new Unresolvable("no condition " + name);
        }
        return truth(resolve(expression));
    }

    /** The template's resources, logical id to their declaration, in template order. */
    public Map<String, Object> resources() {
        return section("Resources");
    }

    public String resourceType(String logicalId) {
        return String.valueOf(map(resources().get(logicalId)).get("Type"));
    }

    /** Whether the stack creates the resource: it has no {@code Condition}, or its condition holds. */
    public boolean creates(String logicalId) {
        Map<String, Object> resource = map(resources().get(logicalId));
        if (resource.isEmpty()) {
            return false;
        }
        Object condition = resource.get("Condition");
        return condition == null || condition(String.valueOf(condition));
    }

    /** One property of a resource, resolved; {@link #NO_VALUE} when absent. */
    public Object resourceProperty(String logicalId, String property) {
        Map<String, Object> properties = map(map(resources().get(logicalId)).get("Properties"));
        return properties.containsKey(property) ? resolve(properties.get(property)) : NO_VALUE;
    }

    /** Every property of a resource, resolved. */
    public Map<String, Object> resourceProperties(String logicalId) {
        return map(resolve(map(map(resources().get(logicalId)).get("Properties"))));
    }

    private Object function(String name, Object arg) {
        switch (name) {
            case "Ref":
                return ref(String.valueOf(arg));
            case "Condition":
                return condition(String.valueOf(arg));
            case "Fn::Sub":
                return sub(arg);
            case "Fn::GetAtt": {
                List<?> parts = list(arg, name);
                return getAtt(text(resolve(parts.get(0))), text(resolve(parts.get(1))));
            }
            case "Fn::If": {
                List<?> parts = list(arg, name);
                return condition(String.valueOf(parts.get(0))) ? resolve(parts.get(1)) : resolve(parts.get(2));
            }
            case "Fn::Equals": {
                List<?> parts = list(arg, name);
                return Objects.equals(comparable(resolve(parts.get(0))), comparable(resolve(parts.get(1))));
            }
            case "Fn::Not":
                return !truth(resolve(list(arg, name).get(0)));
            case "Fn::And":
                return list(arg, name).stream().allMatch(c -> truth(resolve(c)));
            case "Fn::Or":
                return list(arg, name).stream().anyMatch(c -> truth(resolve(c)));
            case "Fn::Join": {
                List<?> parts = list(arg, name);
                List<String> items = new ArrayList<>();
                for (Object item : list(resolve(parts.get(1)), name)) {
                    items.add(text(item));
                }
                return String.join(text(resolve(parts.get(0))), items);
            }
            case "Fn::Select": {
                List<?> parts = list(arg, name);
                int index = Integer.parseInt(text(resolve(parts.get(0))));
                List<?> from = list(resolve(parts.get(1)), name);
                if (index < 0 || index >= from.size()) {
                    throw new Unresolvable("Fn::Select index " + index + " out of range " + from);
                }
                return from.get(index);
            }
            case "Fn::Split": {
                List<?> parts = list(arg, name);
                return List.of(text(resolve(parts.get(1))).split(Pattern.quote(text(resolve(parts.get(0)))), -1));
            }
            case "Fn::FindInMap": {
                List<?> parts = list(arg, name);
                Object value = map(map(section("Mappings").get(text(resolve(parts.get(0)))))
                        .get(text(resolve(parts.get(1))))).get(text(resolve(parts.get(2))));
                if (value == null) {
                    throw new Unresolvable("Fn::FindInMap " + parts + " has no value");
                }
                return resolve(value);
            }
            case "Fn::GetAZs": {
                String region = deployment.region();
                return List.of(region + "a", region + "b", region + "c");
            }
            case "Fn::Base64":
                return Base64.getEncoder().encodeToString(text(resolve(arg)).getBytes(StandardCharsets.UTF_8));
            default:
                throw new Unresolvable(name + " is not supported here");
        }
    }

    private Object ref(String name) {
        switch (name) {
            case "AWS::NoValue": return NO_VALUE;
            case "AWS::Region": return deployment.region();
            case "AWS::AccountId": return deployment.accountId();
            case "AWS::Partition": return deployment.partition();
            case "AWS::URLSuffix": return deployment.urlSuffix();
            case "AWS::StackName": return deployment.stackName();
            case "AWS::StackId": return "arn:" + deployment.partition() + ":cloudformation:" + deployment.region() + ":"
                    + deployment.accountId() + ":stack/" + deployment.stackName() + "/00000000-0000-0000-0000-000000000000";
            case "AWS::NotificationARNs": return List.of();
            default:
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        if (!resources().containsKey(name)) {
            throw new Unresolvable("Ref " + name + ": no such parameter or resource");
        }
        if (!creates(name)) {
            throw new Unresolvable("Ref " + name + ": the stack does not create it (its condition is false)");
        }
        String id = physicalIds.ref(name, resourceType(name));
        if (id == null) {
            throw new Unresolvable("Ref " + name + " (" + resourceType(name) + ") has no value here");
        }
        return id;
    }

    private Object getAtt(String logicalId, String attribute) {
        if (!resources().containsKey(logicalId)) {
            throw new Unresolvable("Fn::GetAtt " + logicalId + "." + attribute + ": no such resource");
        }
        String value = physicalIds.getAtt(logicalId, resourceType(logicalId), attribute);
        if (value == null) {
            throw new Unresolvable("Fn::GetAtt " + logicalId + "." + attribute + " (" + resourceType(logicalId)
                    + ") has no value here");
        }
        return value;
    }

    private String sub(Object arg) {
        String text;
        Map<String, Object> variables = Map.of();
        if (arg instanceof List<?> parts) {
            text = String.valueOf(parts.get(0));
            variables = map(parts.size() > 1 ? parts.get(1) : null);
        } else {
            text = String.valueOf(arg);
        }
        Matcher m = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String variable = m.group(1).strip();
            String replacement;
            if (variable.startsWith("!")) {
                replacement = "${" + variable.substring(1) + "}"; // ${!Literal} is written as ${Literal}
            } else if (variables.containsKey(variable)) {
                replacement = text(resolve(variables.get(variable)));
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                int dot = variable.indexOf('.');
                replacement = text(getAtt(variable.substring(0, dot), variable.substring(dot + 1)));
            } else {
                replacement = text(ref(variable));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private Map<String, Object> section(String name) {
        return map(template.get(name));
    }

    private static List<?> list(Object arg, String function) {
        if (arg instanceof List<?> l) {
            return l;
        }
        throw new Unresolvable(function + " expects a list, got " + arg);
    }

    private static boolean truth(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        return "true".equalsIgnoreCase(String.valueOf(value));
    }

    /** Fn::Equals compares values as text: the number 5 equals "5"; lists element by element. */
    private static Object comparable(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(CfnEvaluator::comparable).toList();
        }
        return value == null ? null : text(value);
    }

    /** A scalar as CloudFormation writes it: whole numbers without a decimal point. */
    static String text(Object value) {
        if (value == NO_VALUE) {
            throw new Unresolvable("AWS::NoValue used as a value");
        }
        if (value instanceof List<?> || value instanceof Map<?, ?>) {
            throw new Unresolvable("not a scalar: " + value);
        }
        if (value instanceof Double || value instanceof Float) {
            BigDecimal number = new BigDecimal(String.valueOf(value));
            return number.stripTrailingZeros().scale() <= 0 ? number.toBigInteger().toString()
                    : number.stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** CloudFormation's checks of a parameter value against its declaration. */
    static final class ParameterConstraints {

        private ParameterConstraints() {
        }

        static List<String> check(String name, Map<String, Object> declaration, Object value) {
            List<String> problems = new ArrayList<>();
            String type = String.valueOf(declaration.getOrDefault("Type", "String"));
            List<String> values = value instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                    : List.of(String.valueOf(value));
            List<String> allowed = declaration.get("AllowedValues") instanceof List<?> a
                    ? a.stream().map(CfnEvaluator::text).toList() : null;
            Pattern pattern = null;
            if (declaration.get("AllowedPattern") != null) {
                try {
                    pattern = Pattern.compile(String.valueOf(declaration.get("AllowedPattern")));
                } catch (PatternSyntaxException e) {
                    problems.add("parameter " + name + ": AllowedPattern is not a valid pattern");
                }
            }
            for (String v : values) {
                String shown = v.length() > 80 ? v.substring(0, 80) + "…" : v;
                if ("Number".equals(type) || "List<Number>".equals(type)) {
                    BigDecimal number;
                    try {
                        number = new BigDecimal(v.strip());
                    } catch (NumberFormatException e) {
                        problems.add("parameter " + name + " must be a number, got \"" + shown + "\"");
                        continue;
                    }
                    if (declaration.get("MinValue") != null
                            && number.compareTo(new BigDecimal(text(declaration.get("MinValue")))) < 0) {
                        problems.add("parameter " + name + " must be at least " + text(declaration.get("MinValue"))
                                + ", got " + shown);
                    }
                    if (declaration.get("MaxValue") != null
                            && number.compareTo(new BigDecimal(text(declaration.get("MaxValue")))) > 0) {
                        problems.add("parameter " + name + " must be at most " + text(declaration.get("MaxValue"))
                                + ", got " + shown);
                    }
                }
                if (allowed != null && !allowed.contains(v)) {
                    problems.add("parameter " + name + " must be one of " + allowed + ", got \"" + shown + "\"");
                }
                if (pattern != null && !pattern.matcher(v).matches()) {
                    problems.add("parameter " + name + " must match " + pattern.pattern() + ", got \"" + shown + "\"");
                }
                if (declaration.get("MinLength") != null && v.length() < Integer.parseInt(text(declaration.get("MinLength")))) {
                    problems.add("parameter " + name + " must be at least " + text(declaration.get("MinLength"))
                            + " characters long");
                }
                if (declaration.get("MaxLength") != null && v.length() > Integer.parseInt(text(declaration.get("MaxLength")))) {
                    problems.add("parameter " + name + " must be at most " + text(declaration.get("MaxLength"))
                            + " characters long");
                }
            }
            return problems;
        }
    }
}
