package dev.fargatescaler.testkit.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a CloudFormation/SAM template, for local mode (which runs it) and the deploy checks (which audit it). CloudFormation's YAML short forms ({@code !Ref X}, {@code !Sub "..."},
 * {@code !GetAtt A.B}, {@code !If [...]}...) are custom YAML tags that a plain YAML parser rejects; here each is
 * turned into its long JSON form ({@code {"Ref": "X"}}, {@code {"Fn::Sub": "..."}},
 * {@code {"Fn::GetAtt": ["A", "B"]}}), which is what CloudFormation itself does.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
public final class CfnYaml {

    private CfnYaml() {
    }

    /** Reads a template file. @throws IllegalArgumentException when it is not a YAML mapping */
    public static Map<String, Object> read(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return mapping(yaml().load(reader), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Parses a template text. @throws IllegalArgumentException when it is not a YAML mapping */
    public static Map<String, Object> parseTemplate(String text) {
        return mapping(yaml().load(text), "the template");
    }

    /** Parses any YAML fragment (an event pattern, a value), short-form tags included. */
    public static Object parse(String text) {
        return yaml().load(text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Object root, String what) {
        if (!(root instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(what + " is not a YAML mapping");
        }
        return (Map<String, Object>) root;
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(16 * 1024 * 1024);
        return new Yaml(new CfnConstructor(options));
    }

    /** SafeConstructor plus one constructor for every tag starting with {@code !}. */
    private static final class CfnConstructor extends SafeConstructor {

        CfnConstructor(LoaderOptions options) {
            super(options);
            this.yamlMultiConstructors.put("!", new IntrinsicConstruct());
        }

        private final class IntrinsicConstruct extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                String tag = node.getTag().getValue().substring(1);
                String key = "Ref".equals(tag) || "Condition".equals(tag) ? tag : "Fn::" + tag;
                Object value;
                if (node instanceof ScalarNode scalar) {
                    value = constructScalar(scalar);
                } else if (node instanceof SequenceNode sequence) {
                    value = constructSequence(sequence);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                // The short form !GetAtt Resource.Attribute is a string; the long form is a two-element list.
                if ("Fn::GetAtt".equals(key) && value instanceof String s && s.contains(".")) {
                    int dot = s.indexOf('.');
                    value = Arrays.asList(s.substring(0, dot), s.substring(dot + 1));
                }
                return Map.of(key, value == null ? List.of() : value);
            }
        }
    }
}
