package io.stowage.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.images.Image;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON wire form of images, shared by {@link ImageRoutes} and its clients:
 * <ul>
 *   <li>Descriptor: {@code {"mediaType","digest","size"[,"annotations"]}} as in the OCI image spec;</li>
 *   <li>Image: {@code {"name","target":Descriptor,"createdAt","updatedAt","labels"}}, times as in
 *       {@link ContentJson}, labels {@code {}} when none.</li>
 * </ul>
 * Reading is strict about the fields it knows (INVALID_ARGUMENT) and ignores others. Thread-safe.
 */
public final class ImageJson {
    private ImageJson() {
    }

    /** The wire form of a descriptor. */
    public static ObjectNode descriptor(Descriptor d) {
        ObjectNode n = ContentJson.mapper().createObjectNode();
        if (d.mediaType() != null) {
            n.put("mediaType", d.mediaType());
        }
        n.put("digest", d.digest().toString());
        n.put("size", d.size());
        if (!d.annotations().isEmpty()) {
            n.set("annotations", stringMap(d.annotations()));
        }
        return n;
    }

    /** The wire form of an image. */
    public static ObjectNode image(Image image) {
        ObjectNode n = ContentJson.mapper().createObjectNode();
        n.put("name", image.name());
        n.set("target", descriptor(image.target()));
        putTime(n, "createdAt", image.createdAt());
        putTime(n, "updatedAt", image.updatedAt());
        n.set("labels", stringMap(image.labels()));
        return n;
    }

    /** A descriptor from its wire form. */
    public static Descriptor readDescriptor(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw ContentException.invalidArgument("descriptor: expected a JSON object");
        }
        JsonNode digest = n.get("digest");
        if (digest == null || !digest.isTextual()) {
            throw ContentException.invalidArgument("descriptor: digest missing");
        }
        JsonNode size = n.get("size");
        if (size == null || !size.canConvertToLong()) {
            throw ContentException.invalidArgument("descriptor: size missing or not an integer");
        }
        JsonNode mt = n.get("mediaType");
        return new Descriptor(mt == null || mt.isNull() ? null : mt.asText(), Digest.parse(digest.textValue()),
                size.asLong(), ContentJson.labels(n.get("annotations")));
    }

    /** An image from its wire form; {@code name} may be given by the caller (a path) instead of the body. */
    public static Image readImage(JsonNode n, String name) {
        if (n == null || !n.isObject()) {
            throw ContentException.invalidArgument("image: expected a JSON object");
        }
        JsonNode bodyName = n.get("name");
        String resolved = name;
        if (bodyName != null && !bodyName.isNull()) {
            if (name != null && !name.equals(bodyName.asText())) {
                throw ContentException.invalidArgument("image: name in the body (" + bodyName.asText()
                        + ") differs from the one in the path (" + name + ")");
            }
            resolved = bodyName.asText();
        }
        if (resolved == null) {
            throw ContentException.invalidArgument("image: name missing");
        }
        return new Image(resolved, readDescriptor(n.get("target")), time(n, "createdAt"), time(n, "updatedAt"),
                ContentJson.labels(n.get("labels")));
    }

    private static ObjectNode stringMap(Map<String, String> m) {
        ObjectNode n = ContentJson.mapper().createObjectNode();
        new TreeMap<>(m).forEach(n::put);
        return n;
    }

    private static void putTime(ObjectNode n, String field, Instant t) {
        if (t == null) {
            n.putNull(field);
        } else {
            n.put(field, ContentJson.formatTime(t));
        }
    }

    private static Instant time(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : ContentJson.parseTime(v.asText());
    }
}
