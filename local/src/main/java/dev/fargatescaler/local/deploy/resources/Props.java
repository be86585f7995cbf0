package dev.fargatescaler.local.deploy.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fargatescaler.domain.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading resolved CloudFormation properties (maps, lists and scalars from the evaluator). */
final class Props {

    private Props() {
    }

    static String text(Map<String, Object> props, String key) {
        Object value = props.get(key);
        return value == null ? null : scalar(value);
    }

    static String text(Map<String, Object> props, String key, String defaultValue) {
        String value = text(props, key);
        return value == null ? defaultValue : value;
    }

    static Integer integer(Map<String, Object> props, String key) {
        String value = text(props, key);
        return value == null || value.isBlank() ? null : Integer.valueOf(value.strip());
    }

    static boolean bool(Map<String, Object> props, String key) {
        return Boolean.parseBoolean(text(props, key, "false"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static Map<String, Object> map(Map<String, Object> props, String key) {
        return map(props.get(key));
    }

    static List<Object> list(Map<String, Object> props, String key) {
        Object value = props.get(key);
        return value instanceof List<?> l ? new ArrayList<>(l) : value == null ? List.of() : List.of(value);
    }

    static List<String> texts(Map<String, Object> props, String key) {
        return list(props, key).stream().map(Props::scalar).toList();
    }

    /** CloudFormation {@code Tags: [{Key, Value}]} (or a {@code {key: value}} map, as SSM takes them). */
    static Map<String, String> tags(Map<String, Object> props) {
        Map<String, String> tags = new LinkedHashMap<>();
        Object value = props.get("Tags");
        if (value instanceof List<?> list) {
            for (Object tag : list) {
                tags.put(scalar(map(tag).get("Key")), scalar(map(tag).get("Value")));
            }
        } else if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> tags.put(String.valueOf(k), scalar(v)));
        }
        return tags;
    }

    /** A JSON document property (policy documents, redrive policies): a map written as JSON, or JSON text. */
    static String json(Object value) {
        if (value instanceof String s) {
            return s;
        }
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON document: " + value, e);
        }
    }

    static String scalar(Object value) {
        if (value instanceof Double d && d == Math.rint(d)) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(value);
    }
}
