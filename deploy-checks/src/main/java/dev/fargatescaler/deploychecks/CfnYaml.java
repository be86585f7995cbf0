package dev.fargatescaler.deploychecks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Reads a CloudFormation/SAM template into plain maps and lists. CloudFormation's short-form tags
 * ({@code !Ref X}, {@code !Sub "..."}, {@code !GetAtt A.B}, {@code !If [...]}) become their long form
 * ({@code {"Ref": "X"}}, {@code {"Fn::Sub": "..."}}...), exactly as CloudFormation itself reads them, so the
 * checks see one representation. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
public final class CfnYaml {

    private CfnYaml() {
    }

    public static Map<String, Object> load(Path template) {
        try {
            return parse(Files.readString(template));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + template, e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String yamlText) {
        Object root = new Yaml(new IntrinsicConstructor(new LoaderOptions())).load(yamlText);
        if (!(root instanceof Map)) {
            throw new IllegalArgumentException("a template must be a YAML mapping");
        }
        return (Map<String, Object>) root;
    }

    /** Maps every {@code !Tag} to {@code {"Fn::Tag": value}}; {@code !Ref} and {@code !Condition} keep their names. */
    private static final class IntrinsicConstructor extends SafeConstructor {

        IntrinsicConstructor(LoaderOptions options) {
            super(options);
            yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue().substring(1);
                    String key = tag.equals("Ref") || tag.equals("Condition") ? tag : "Fn::" + tag;
                    Object value;
                    if (node instanceof ScalarNode scalar) {
                        value = constructScalar(scalar);
                    } else if (node instanceof SequenceNode sequence) {
                        value = constructSequence(sequence);
                    } else {
                        value = constructMapping((MappingNode) node);
                    }
                    return Map.of(key, value);
                }
            });
        }
    }
}
