package io.stowage.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The one Jackson mapper of the registry package (thread-safe once configured) and small helpers around it. */
final class RegistryJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private RegistryJson() {
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    static byte[] toBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Annotations as stored in the database: a JSON object, or null when there are none. */
    static String annotationsToText(Map<String, String> annotations) {
        if (annotations.isEmpty()) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(annotations);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The inverse of {@link #annotationsToText}. */
    @SuppressWarnings("unchecked")
    static Map<String, String> annotationsFromText(String text) {
        if (text == null || text.isEmpty()) {
            return Map.of();
        }
        try {
            return MAPPER.readValue(text, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
