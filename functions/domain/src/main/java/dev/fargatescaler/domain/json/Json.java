package dev.fargatescaler.domain.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson mapper of a process. Built once (it is expensive) and shared: ObjectMapper is thread-safe once
 * configured. Tolerant of unknown fields because GitLab and AWS add fields over time; strict on duplicate keys
 * because a duplicated {@code build_status} is an attempt to confuse the parser.
 */
public final class Json {

    /** Deeply nested input is refused long before it could exhaust the stack. */
    public static final int MAX_NESTING_DEPTH = 64;

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(100)
                // API Gateway events carry bodies of up to 10 MB; anything larger is refused while parsing.
                .maxStringLength(16 << 20)
                .build());
    }

    private Json() {
    }
}
