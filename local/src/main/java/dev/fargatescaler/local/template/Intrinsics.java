package dev.fargatescaler.local.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation intrinsic functions the way a deployment would, for the values local mode needs
 * (functions' environment variables, timeouts, queue settings): {@code Ref} (parameters, pseudo parameters,
 * resources), {@code Fn::Sub}, {@code Fn::GetAtt}, {@code Fn::If} with the template's {@code Conditions},
 * {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split}, {@code Fn::FindInMap}, {@code Fn::Equals},
 * {@code Fn::Not}, {@code Fn::And}, {@code Fn::Or}, {@code Fn::GetAZs}, {@code Fn::Base64}. Anything else
 * (e.g. {@code Fn::ImportValue}) throws {@link Unresolvable}.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
public final class Intrinsics {

    /** {@code AWS::NoValue}: the property or list element is removed. */
    public static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    /** An expression local mode cannot evaluate (the caller decides what stands in for it). */
    public static final class Unresolvable extends RuntimeException {
        public Unresolvable(String message) {
            super(message);
        }
    }

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final SamTemplate template;
    private final Map<String, String> parameters;
    private final Map<String, String> pseudo;
    private final PhysicalIds physicalIds;
    private final Map<String, SamTemplate.Resource> resources;

    /**
     * @param parameters every template parameter's value (defaults already applied)
     * @param region     for {@code AWS::Region}
     * @param accountId  for {@code AWS::AccountId}
     */
    public Intrinsics(SamTemplate template, Map<String, String> parameters, String region, String accountId,
                      String stackName, PhysicalIds physicalIds) {
        this.template = template;
        this.parameters = Map.copyOf(parameters);
        this.physicalIds = physicalIds;
        this.resources = template.resources();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("AWS::Region", region);
        p.put("AWS::AccountId", accountId);
        p.put("AWS::Partition", region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws");
        p.put("AWS::URLSuffix", region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com");
        p.put("AWS::StackName", stackName);
        p.put("AWS::StackId", "arn:aws:cloudformation:" + region + ":" + accountId + ":stack/" + stackName
                + "/00000000-0000-0000-0000-000000000000");
        this.pseudo = Map.copyOf(p);
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

    /** Resolves to text, as an environment variable's value. */
    public String resolveString(Object node) {
        Object value = resolve(node);
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new Unresolvable("not a scalar: " + node);
        }
        return value == null || value == NO_VALUE ? null : scalar(value);
    }

    public boolean condition(String name) {
        Object expression = template.conditions().get(name);
        if (expression == null) {
            throw new Unresolvable("no condition " + name);
        }
        return truth(resolve(expression));
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
                return getAtt(String.valueOf(resolve(parts.get(0))), String.valueOf(resolve(parts.get(1))));
            }
            case "Fn::If": {
                List<?> parts = list(arg, name);
                return condition(String.valueOf(parts.get(0))) ? resolve(parts.get(1)) : resolve(parts.get(2));
            }
            case "Fn::Equals": {
                List<?> parts = list(arg, name);
                return Objects.equals(scalar(resolve(parts.get(0))), scalar(resolve(parts.get(1))));
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
                    items.add(scalar(item));
                }
                return String.join(String.valueOf(parts.get(0)), items);
            }
            case "Fn::Select": {
                List<?> parts = list(arg, name);
                int index = Integer.parseInt(scalar(resolve(parts.get(0))));
                List<?> from = list(resolve(parts.get(1)), name);
                if (index < 0 || index >= from.size()) {
                    throw new Unresolvable("Fn::Select index " + index + " out of range");
                }
                return from.get(index);
            }
            case "Fn::Split": {
                List<?> parts = list(arg, name);
                return List.of(scalar(resolve(parts.get(1))).split(Pattern.quote(String.valueOf(parts.get(0))), -1));
            }
            case "Fn::FindInMap": {
                List<?> parts = list(arg, name);
                Object value = SamTemplate.map(SamTemplate.map(template.mappings().get(scalar(resolve(parts.get(0)))))
                        .get(scalar(resolve(parts.get(1))))).get(scalar(resolve(parts.get(2))));
                if (value == null) {
                    throw new Unresolvable("Fn::FindInMap " + parts + " has no value");
                }
                return resolve(value);
            }
            case "Fn::GetAZs": {
                String region = pseudo.get("AWS::Region");
                return List.of(region + "a", region + "b", region + "c");
            }
            case "Fn::Base64":
                return java.util.Base64.getEncoder().encodeToString(
                        scalar(resolve(arg)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            default:
                throw new Unresolvable(name + " is not supported locally");
        }
    }

    private Object ref(String name) {
        if ("AWS::NoValue".equals(name)) {
            return NO_VALUE;
        }
        if (pseudo.containsKey(name)) {
            return pseudo.get(name);
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        SamTemplate.Resource resource = resources.get(name);
        if (resource == null) {
            throw new Unresolvable("Ref " + name + ": no such parameter or resource");
        }
        String id = physicalIds.ref(resource);
        if (id == null) {
            throw new Unresolvable("Ref " + name + " (" + resource.type() + ") has no local value");
        }
        return id;
    }

    private Object getAtt(String logicalId, String attribute) {
        SamTemplate.Resource resource = resources.get(logicalId);
        if (resource == null) {
            throw new Unresolvable("Fn::GetAtt " + logicalId + "." + attribute + ": no such resource");
        }
        String value = physicalIds.getAtt(resource, attribute);
        if (value == null) {
            throw new Unresolvable("Fn::GetAtt " + logicalId + "." + attribute + " (" + resource.type()
                    + ") has no local value");
        }
        return value;
    }

    private String sub(Object arg) {
        String text;
        Map<String, Object> variables = Map.of();
        if (arg instanceof List<?> parts) {
            text = String.valueOf(parts.get(0));
            variables = SamTemplate.map(parts.size() > 1 ? parts.get(1) : null);
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
                replacement = scalar(resolve(variables.get(variable)));
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                int dot = variable.indexOf('.');
                replacement = scalar(getAtt(variable.substring(0, dot), variable.substring(dot + 1)));
            } else {
                replacement = scalar(ref(variable));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
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

    private static String scalar(Object value) {
        if (value instanceof Double d && d == Math.rint(d)) {
            return Long.toString(d.longValue());
        }
        if (value == NO_VALUE) {
            throw new Unresolvable("AWS::NoValue used as a value");
        }
        return String.valueOf(value);
    }
}
