package io.stowage.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Status;
import io.stowage.content.Verification;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON wire form of the content API's value types, shared by the server and its clients:
 * <ul>
 *   <li>Digest: the string {@code "alg:hex"};</li>
 *   <li>Info: {@code {"digest","size","createdAt","updatedAt","labels"}}, labels {@code {}} when none;</li>
 *   <li>Status: {@code {"ref","offset","total","expected","startedAt","updatedAt"}}, total 0 and expected
 *       absent when not declared;</li>
 *   <li>times: RFC 3339 in UTC with {@code Z} and as many fraction digits as needed, up to nanoseconds
 *       ({@link DateTimeFormatter#ISO_INSTANT}); parsing also accepts an explicit offset.</li>
 * </ul>
 * Reading is lenient about unknown fields and strict about the ones it knows: a malformed digest or time is a
 * {@link ContentException} with {@code INVALID_ARGUMENT} (wrapped in Jackson's exception by the mapper). Thread-safe.
 */
public final class ContentJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder().addModule(module()).build();

    static {
        warmUp();
    }

    private ContentJson() {
    }

    /**
     * Builds the mapper's serializers and deserializers for the wire types once, up front: Jackson creates them
     * lazily under a lock, and the first requests would otherwise contend for it on event-loop threads.
     */
    private static void warmUp() {
        try {
            Digest d = Digest.sha256(new byte[0]);
            Instant t = Instant.EPOCH;
            Info info = new Info(d, 0, t, t, Map.of("k", "v"));
            Status st = new Status("ref", 0, 0, d, t, t);
            MAPPER.readValue(MAPPER.writeValueAsBytes(info), Info.class);
            MAPPER.readValue(MAPPER.writeValueAsBytes(st), Status.class);
            MAPPER.readValue(MAPPER.writeValueAsBytes(d), Digest.class);
            MAPPER.readValue(MAPPER.writeValueAsBytes(t), Instant.class);
            JsonNode tree = MAPPER.readTree(MAPPER.writeValueAsBytes(MAPPER.createObjectNode().put("k", 1)));
            MAPPER.writeValueAsString(tree);
            MAPPER.readTree("[1]");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A shared mapper with {@link #module()} registered. Do not reconfigure it; build your own with the module
     * for other settings.
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Serializers and deserializers for Digest, Info, Status and Instant in their wire form. */
    public static SimpleModule module() {
        SimpleModule m = new SimpleModule("stowage-content");
        m.addSerializer(Digest.class, new ToStringSerializer<>());
        m.addDeserializer(Digest.class, new JsonDeserializer<>() {
            @Override
            public Digest deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return Digest.parse(p.getValueAsString());
            }
        });
        m.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant t, JsonGenerator g, SerializerProvider sp) throws IOException {
                g.writeString(formatTime(t));
            }
        });
        m.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return parseTime(p.getValueAsString());
            }
        });
        m.addSerializer(Info.class, new JsonSerializer<>() {
            @Override
            public void serialize(Info info, JsonGenerator g, SerializerProvider sp) throws IOException {
                writeInfo(info, g);
            }
        });
        m.addDeserializer(Info.class, new JsonDeserializer<>() {
            @Override
            public Info deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return readInfo(p.readValueAsTree());
            }
        });
        m.addSerializer(Verification.class, new JsonSerializer<>() {
            @Override
            public void serialize(Verification v, JsonGenerator g, SerializerProvider sp) throws IOException {
                writeVerification(v, g);
            }
        });
        m.addSerializer(Status.class, new JsonSerializer<>() {
            @Override
            public void serialize(Status st, JsonGenerator g, SerializerProvider sp) throws IOException {
                writeStatus(st, g);
            }
        });
        m.addDeserializer(Status.class, new JsonDeserializer<>() {
            @Override
            public Status deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return readStatus(p.readValueAsTree());
            }
        });
        return m;
    }

    /** The wire form of a time: UTC, {@code Z}, fraction digits as needed up to nanoseconds. */
    public static String formatTime(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }

    /** Parses an RFC 3339 time; INVALID_ARGUMENT when malformed. */
    public static Instant parseTime(String s) {
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(s, Instant::from);
        } catch (DateTimeParseException | NullPointerException e) {
            throw ContentException.invalidArgument("time '" + s + "': not RFC 3339");
        }
    }

    /** The value as JSON bytes (UTF-8). */
    public static byte[] toBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw ContentException.internal("JSON encoding of " + value.getClass().getSimpleName() + " failed", e);
        }
    }

    static void writeInfo(Info info, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("digest", info.digest().toString());
        g.writeNumberField("size", info.size());
        writeTime(g, "createdAt", info.createdAt());
        writeTime(g, "updatedAt", info.updatedAt());
        g.writeObjectFieldStart("labels");
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(info.labels()).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    static void writeStatus(Status st, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("ref", st.ref());
        g.writeNumberField("offset", st.offset());
        g.writeNumberField("total", st.total());
        if (st.expected() != null) {
            g.writeStringField("expected", st.expected().toString());
        }
        writeTime(g, "startedAt", st.startedAt());
        writeTime(g, "updatedAt", st.updatedAt());
        if (st.expiry() != null) {
            g.writeNumberField("expiry", st.expiry().toSeconds());
        }
        g.writeEndObject();
    }

    /** {@code {"digest","size","status":"ok"|"corrupt","actual","quarantined"}}. */
    static void writeVerification(Verification v, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("digest", v.digest().toString());
        g.writeNumberField("size", v.size());
        g.writeStringField("status", v.ok() ? "ok" : "corrupt");
        g.writeStringField("actual", v.actual().toString());
        g.writeBooleanField("quarantined", v.quarantined());
        g.writeEndObject();
    }

    /** A Verification from its wire form. */
    public static Verification readVerification(JsonNode n) {
        requireObject(n, "Verification");
        return new Verification(Digest.parse(text(n, "digest")), n.path("size").asLong(0),
                Digest.parse(text(n, "actual")), n.path("quarantined").asBoolean(false));
    }

    private static void writeTime(JsonGenerator g, String field, Instant t) throws IOException {
        if (t == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, formatTime(t));
        }
    }

    /** An Info from its wire form. */
    public static Info readInfo(JsonNode n) {
        requireObject(n, "Info");
        return new Info(Digest.parse(text(n, "digest")), n.path("size").asLong(0), time(n, "createdAt"),
                time(n, "updatedAt"), labels(n.get("labels")));
    }

    /** A Status from its wire form. */
    public static Status readStatus(JsonNode n) {
        requireObject(n, "Status");
        String ref = text(n, "ref");
        if (ref == null) {
            throw ContentException.invalidArgument("Status: ref missing");
        }
        String expected = text(n, "expected");
        return new Status(ref, n.path("offset").asLong(0), n.path("total").asLong(0),
                expected == null || expected.isEmpty() ? null : Digest.parse(expected),
                time(n, "startedAt"), time(n, "updatedAt"),
                n.path("expiry").canConvertToLong() && n.get("expiry").asLong() > 0
                        ? java.time.Duration.ofSeconds(n.get("expiry").asLong()) : null);
    }

    /**
     * A label map from a JSON object of strings; null or missing is empty. Non-string values are
     * INVALID_ARGUMENT.
     */
    public static Map<String, String> labels(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw ContentException.invalidArgument("labels: expected a JSON object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        var it = n.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw ContentException.invalidArgument("label " + e.getKey() + ": value must be a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static void requireObject(JsonNode n, String what) {
        if (n == null || !n.isObject()) {
            throw ContentException.invalidArgument(what + ": expected a JSON object");
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant time(JsonNode n, String field) {
        String s = text(n, field);
        return s == null ? null : parseTime(s);
    }

    private static final class ToStringSerializer<T> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator g, SerializerProvider sp) throws IOException {
            g.writeString(value.toString());
        }
    }
}
