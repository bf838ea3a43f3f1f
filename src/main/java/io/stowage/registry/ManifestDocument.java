package io.stowage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the registry needs to know of a pushed manifest or index: its media type, the blobs and manifests it
 * references (which must exist in the repository), its {@code subject} and the {@code artifactType} and
 * annotations the referrers API reports. The bytes themselves are stored untouched; this is only read from them.
 *
 * <p>The media type is the document's {@code mediaType} field, else the request's Content-Type, else inferred
 * from the shape ({@code manifests} makes an OCI index, {@code config} an OCI manifest); a Content-Type other
 * than a generic JSON one that contradicts the field is rejected, as are schema 1 and unknown types.
 *
 * @param blobs     config and layers of a manifest, without foreign layers (those carrying {@code urls})
 * @param manifests the manifests of an index
 * @param subject   the {@code subject} descriptor, or null
 * @param artifactType the artifact type the referrers API reports: {@code artifactType}, else (for a manifest)
 *                  the config's media type; null for an index without one
 */
record ManifestDocument(String mediaType, List<Descriptor> blobs, List<Descriptor> manifests, Descriptor subject,
                        String artifactType, Map<String, String> annotations) {

    /** Parses and checks a manifest body; MANIFEST_INVALID saying what is wrong otherwise. */
    static ManifestDocument parse(byte[] body, String contentType) {
        JsonNode root;
        try {
            root = RegistryJson.mapper().readTree(body);
        } catch (IOException e) {
            throw invalid("not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw invalid("a manifest is a JSON object");
        }
        String mediaType = mediaType(root, MediaTypes.essence(contentType));
        JsonNode version = root.get("schemaVersion");
        if (version == null || !version.isInt() || version.intValue() != 2) {
            throw invalid("schemaVersion must be 2");
        }
        List<Descriptor> blobs = new ArrayList<>();
        List<Descriptor> manifests = new ArrayList<>();
        String artifactType = optionalText(root, "artifactType");
        if (MediaTypes.isIndex(mediaType)) {
            for (JsonNode m : array(root, "manifests")) {
                manifests.add(descriptor(m, "manifests[]"));
            }
        } else {
            Descriptor config = descriptor(root.get("config"), "config");
            blobs.add(config);
            for (JsonNode l : array(root, "layers")) {
                Descriptor layer = descriptor(l, "layers[]");
                JsonNode urls = l.get("urls");
                if (urls == null || !urls.isArray() || urls.isEmpty()) {
                    blobs.add(layer);
                }
            }
            if (artifactType == null || artifactType.isEmpty()) {
                artifactType = config.mediaType();
            }
        }
        JsonNode s = root.get("subject");
        Descriptor subject = s == null || s.isNull() ? null : descriptor(s, "subject");
        return new ManifestDocument(mediaType, List.copyOf(blobs), List.copyOf(manifests), subject,
                artifactType == null || artifactType.isEmpty() ? null : artifactType,
                annotations(root.get("annotations"), "annotations"));
    }

    private static String mediaType(JsonNode root, String contentType) {
        String field = optionalText(root, "mediaType");
        if (field != null) {
            if (contentType != null && !contentType.equals(field) && !contentType.equals(MediaTypes.JSON)
                    && !contentType.equals(MediaTypes.OCTET_STREAM)) {
                throw invalid("Content-Type " + contentType + " does not match the mediaType field " + field);
            }
            return supported(field);
        }
        if (contentType != null && !contentType.equals(MediaTypes.JSON)
                && !contentType.equals(MediaTypes.OCTET_STREAM)) {
            return supported(contentType);
        }
        if (root.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        if (root.has("config")) {
            return MediaTypes.OCI_MANIFEST;
        }
        throw invalid("cannot tell the manifest type: no mediaType, Content-Type, config or manifests");
    }

    private static String supported(String mediaType) {
        if (!MediaTypes.isSupported(mediaType)) {
            throw invalid("unsupported manifest media type " + Names.shorten(mediaType) + " (supported: "
                    + MediaTypes.OCI_MANIFEST + ", " + MediaTypes.OCI_INDEX + ", " + MediaTypes.DOCKER_MANIFEST
                    + ", " + MediaTypes.DOCKER_MANIFEST_LIST + ")");
        }
        return mediaType;
    }

    private static Iterable<JsonNode> array(JsonNode root, String field) {
        JsonNode a = root.get(field);
        if (a == null || !a.isArray()) {
            throw invalid(field + " must be an array");
        }
        return a;
    }

    private static Descriptor descriptor(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw invalid(where + " must be a descriptor object");
        }
        String mediaType = optionalText(n, "mediaType");
        if (mediaType == null || mediaType.isEmpty()) {
            throw invalid(where + ".mediaType is required");
        }
        String digest = optionalText(n, "digest");
        Digest d;
        try {
            d = Digest.parse(digest);
        } catch (ContentException e) {
            throw invalid(where + ".digest: " + e.getMessage());
        }
        JsonNode size = n.get("size");
        if (size == null || !size.canConvertToExactIntegral() || !size.canConvertToLong() || size.longValue() < 0) {
            throw invalid(where + ".size must be a non-negative integer");
        }
        return new Descriptor(mediaType, d, size.longValue(), annotations(n.get("annotations"), where + ".annotations"));
    }

    private static Map<String, String> annotations(JsonNode n, String where) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw invalid(where + " must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw invalid(where + "." + Names.shorten(e.getKey()) + " must be a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static String optionalText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field + " must be a string");
        }
        return v.textValue();
    }

    private static RegistryException invalid(String detail) {
        return RegistryError.MANIFEST_INVALID.withDetail(detail);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return Names.shorten(nl < 0 ? s : s.substring(0, nl));
    }
}
