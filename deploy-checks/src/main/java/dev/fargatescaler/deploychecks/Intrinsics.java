package dev.fargatescaler.deploychecks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the checks need to know about intrinsic functions without deploying anything. */
public final class Intrinsics {

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

    private Intrinsics() {
    }

    /**
     * Every value a node can take, as far as {@code Fn::If} goes: both branches of each {@code Fn::If}, with
     * {@code AWS::NoValue} dropped. A check that runs on every alternative cannot miss a permission hidden in the
     * branch that a given deployment happens to take.
     */
    public static List<Object> alternatives(Object node) {
        List<Object> out = new ArrayList<>();
        if (node instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Fn::If")
                && map.get("Fn::If") instanceof List<?> args && args.size() == 3) {
            out.addAll(alternatives(args.get(1)));
            out.addAll(alternatives(args.get(2)));
        } else if (!isNoValue(node)) {
            out.add(node);
        }
        return out;
    }

    /** A list-valued property as its elements' alternatives (a single value counts as a list of one). */
    public static List<Object> elements(Object node) {
        List<Object> out = new ArrayList<>();
        for (Object alternative : alternatives(node)) {
            if (alternative instanceof List<?> list) {
                for (Object element : list) {
                    out.addAll(alternatives(element));
                }
            } else if (alternative != null) {
                out.add(alternative);
            }
        }
        return out;
    }

    public static boolean isNoValue(Object node) {
        return node instanceof Map<?, ?> map && "AWS::NoValue".equals(map.get("Ref"));
    }

    /**
     * Names a node depends on: {@code Ref} targets, {@code Fn::GetAtt} resources and the variables of
     * {@code Fn::Sub} strings, without pseudo parameters ({@code AWS::...}) and without the local variables that
     * a {@code Fn::Sub} defines itself (their values are followed instead).
     */
    public static Set<String> references(Object node) {
        Set<String> out = new LinkedHashSet<>();
        collect(node, out);
        out.removeIf(name -> name.startsWith("AWS::"));
        return out;
    }

    private static void collect(Object node, Set<String> out) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Object key = entry.getKey();
                Object value = entry.getValue();
                if ("Ref".equals(key) && value instanceof String name) {
                    out.add(name);
                } else if ("Fn::GetAtt".equals(key)) {
                    String target = value instanceof List<?> list ? String.valueOf(list.get(0))
                            : String.valueOf(value).split("\\.", 2)[0];
                    out.add(target);
                } else if ("Fn::Sub".equals(key)) {
                    collectSub(value, out);
                } else {
                    collect(value, out);
                }
            }
        } else if (node instanceof List<?> list) {
            for (Object element : list) {
                collect(element, out);
            }
        }
    }

    private static void collectSub(Object value, Set<String> out) {
        String text;
        Map<?, ?> locals = Map.of();
        if (value instanceof List<?> list && !list.isEmpty()) {
            text = String.valueOf(list.get(0));
            if (list.size() > 1 && list.get(1) instanceof Map<?, ?> variables) {
                locals = variables;
                collect(variables, out);
            }
        } else {
            text = String.valueOf(value);
        }
        Matcher m = SUB_VARIABLE.matcher(text);
        while (m.find()) {
            String name = m.group(1).split("\\.", 2)[0];
            if (!locals.containsKey(name)) {
                out.add(name);
            }
        }
    }
}
