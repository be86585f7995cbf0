package dev.fargatescaler.deploychecks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the intrinsic functions of a template for given parameter values, the way CloudFormation would at
 * deployment, so that tests can check what a stack would really write (for example the environment JSON). Covers
 * the functions this project's templates use; resources resolve to the physical ids the test supplies.
 */
final class TemplateEvaluator {

    /** Marks {@code AWS::NoValue}: the property is left out. */
    static final Object NO_VALUE = new Object();
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{(!?)([^}]+)}");

    private final Map<String, Object> template;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final Map<String, String> resourceIds;

    TemplateEvaluator(Map<String, Object> template, Map<String, String> parameterValues,
            Map<String, String> resourceIds) {
        this.template = template;
        this.resourceIds = resourceIds;
        for (Map.Entry<String, Object> p : map(template.get("Parameters")).entrySet()) {
            Map<String, Object> declaration = map(p.getValue());
            Object value = parameterValues.containsKey(p.getKey()) ? parameterValues.get(p.getKey())
                    : declaration.get("Default");
            if (value == null) {
                throw new IllegalArgumentException("parameter " + p.getKey() + " has no value and no default");
            }
            String type = String.valueOf(declaration.get("Type"));
            String text = String.valueOf(value);
            parameters.put(p.getKey(), type.equals("CommaDelimitedList") || type.startsWith("List<")
                    ? Arrays.asList(text.split(",", -1)) : text);
        }
    }

    Object resourceProperty(String resource, String property) {
        return evaluate(map(map(map(template.get("Resources")).get(resource)).get("Properties")).get(property));
    }

    boolean condition(String name) {
        Object definition = map(template.get("Conditions")).get(name);
        if (definition == null) {
            throw new IllegalArgumentException("no condition " + name);
        }
        return (Boolean) evaluate(definition);
    }

    Object evaluate(Object node) {
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object element : list) {
                Object value = evaluate(element);
                if (value != NO_VALUE) {
                    out.add(value);
                }
            }
            return out;
        }
        if (!(node instanceof Map<?, ?> m)) {
            return node;
        }
        if (m.size() == 1) {
            String key = String.valueOf(m.keySet().iterator().next());
            Object arg = m.values().iterator().next();
            switch (key) {
                case "Ref": return ref(String.valueOf(arg));
                case "Condition": return condition(String.valueOf(arg));
                case "Fn::Sub": return sub(arg);
                case "Fn::If": {
                    List<?> args = (List<?>) arg;
                    return condition(String.valueOf(args.get(0))) ? evaluate(args.get(1)) : evaluate(args.get(2));
                }
                case "Fn::Equals": {
                    List<?> args = (List<?>) evaluate(arg);
                    return String.valueOf(args.get(0)).equals(String.valueOf(args.get(1)));
                }
                case "Fn::Not": return !(Boolean) ((List<?>) evaluate(arg)).get(0);
                case "Fn::And": return ((List<?>) evaluate(arg)).stream().allMatch(Boolean.TRUE::equals);
                case "Fn::Or": return ((List<?>) evaluate(arg)).stream().anyMatch(Boolean.TRUE::equals);
                case "Fn::Join": {
                    List<?> args = (List<?>) arg;
                    List<?> parts = (List<?>) evaluate(args.get(1));
                    return String.join(String.valueOf(args.get(0)), parts.stream().map(String::valueOf).toList());
                }
                case "Fn::Split": {
                    List<?> args = (List<?>) evaluate(arg);
                    return Arrays.asList(String.valueOf(args.get(1)).split(Pattern.quote(String.valueOf(args.get(0))), -1));
                }
                case "Fn::Select": {
                    List<?> args = (List<?>) evaluate(arg);
                    return ((List<?>) args.get(1)).get(Integer.parseInt(String.valueOf(args.get(0))));
                }
                default:
                    if (key.startsWith("Fn::")) {
                        throw new UnsupportedOperationException(key + " is not supported by this evaluator");
                    }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : m.entrySet()) {
            Object value = evaluate(entry.getValue());
            if (value != NO_VALUE) {
                out.put(String.valueOf(entry.getKey()), value);
            }
        }
        return out;
    }

    private Object ref(String name) {
        switch (name) {
            case "AWS::NoValue": return NO_VALUE;
            case "AWS::Region": return "eu-west-1";
            case "AWS::AccountId": return "123456789012";
            case "AWS::Partition": return "aws";
            case "AWS::StackName": return "test-stack";
            case "AWS::URLSuffix": return "amazonaws.com";
            default:
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        if (resourceIds.containsKey(name)) {
            return resourceIds.get(name);
        }
        if (map(template.get("Resources")).containsKey(name)) {
            return "physical-id-of-" + name;
        }
        throw new IllegalArgumentException("no parameter or resource id for Ref " + name);
    }

    private Object sub(Object arg) {
        String text;
        Map<String, Object> locals = new LinkedHashMap<>();
        if (arg instanceof List<?> list) {
            text = String.valueOf(list.get(0));
            for (Map.Entry<?, ?> e : map(list.get(1)).entrySet()) {
                locals.put(String.valueOf(e.getKey()), evaluate(e.getValue()));
            }
        } else {
            text = String.valueOf(arg);
        }
        Matcher m = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (!m.group(1).isEmpty()) {
                replacement = "${" + m.group(2) + "}";
            } else if (locals.containsKey(m.group(2))) {
                replacement = String.valueOf(locals.get(m.group(2)));
            } else {
                replacement = String.valueOf(ref(m.group(2)));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
