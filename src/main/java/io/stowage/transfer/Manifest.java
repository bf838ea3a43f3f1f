package io.stowage.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed manifest or index (OCI or Docker schema 2): what kind it is and the descriptors it points to. For an
 * index, {@code children} are its manifests (with their platforms); for a manifest, {@code config} and
 * {@code layers}. Immutable.
 *
 * @param mediaType the manifest's media type (from its descriptor, else its {@code mediaType} field)
 * @param config the config of a manifest, null for an index
 * @param layers the layers of a manifest, empty for an index
 * @param children the manifests of an index, empty for a manifest
 */
record Manifest(String mediaType, Descriptor config, List<Descriptor> layers, List<Child> children) {
    /** Largest manifest or index read into memory (containerd's limit). */
    static final int MAX_BYTES = 4 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An entry of an index: its descriptor and platform (null when it has none). */
    record Child(Descriptor descriptor, Platform platform) {
    }

    boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    /** Every descriptor this one points to: the children of an index, or config then layers of a manifest. */
    List<Descriptor> references() {
        if (isIndex()) {
            return children.stream().map(Child::descriptor).toList();
        }
        List<Descriptor> out = new ArrayList<>();
        out.add(config);
        out.addAll(layers);
        return out;
    }

    /**
     * Parses manifest bytes. The media type is {@code declared} when known (a descriptor's or a Content-Type),
     * else the document's {@code mediaType}; a Docker schema 1 manifest or any other type is FAILED_PRECONDITION.
     */
    static Manifest parse(byte[] bytes, String declared, String what) {
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (IOException e) {
            throw ContentException.failedPrecondition(what + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (n == null || !n.isObject()) {
            throw ContentException.failedPrecondition(what + ": not a JSON object");
        }
        String own = n.path("mediaType").asText(null);
        String mt = declared != null && (MediaTypes.isIndex(declared) || MediaTypes.isManifest(declared))
                ? declared : own;
        if (mt == null && n.has("manifests")) {
            mt = MediaTypes.OCI_INDEX;
        } else if (mt == null && n.has("config") && n.has("layers")) {
            mt = MediaTypes.OCI_MANIFEST;
        }
        if (MediaTypes.isIndex(mt)) {
            List<Child> children = new ArrayList<>();
            for (JsonNode c : n.path("manifests")) {
                children.add(new Child(descriptor(c, what), platform(c.get("platform"))));
            }
            return new Manifest(mt, null, List.of(), List.copyOf(children));
        }
        if (MediaTypes.isManifest(mt)) {
            List<Descriptor> layers = new ArrayList<>();
            for (JsonNode l : n.path("layers")) {
                layers.add(descriptor(l, what));
            }
            return new Manifest(mt, descriptor(n.get("config"), what), List.copyOf(layers), List.of());
        }
        throw ContentException.failedPrecondition(what + ": unsupported media type " + mt
                + " (supported: OCI and Docker schema 2 manifests and indexes)");
    }

    private static Descriptor descriptor(JsonNode n, String what) {
        if (n == null || !n.isObject() || !n.path("digest").isTextual() || !n.path("size").canConvertToLong()) {
            throw ContentException.failedPrecondition(what + ": malformed descriptor " + n);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        n.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        return new Descriptor(n.path("mediaType").asText(null), Digest.parse(n.get("digest").asText()),
                n.get("size").asLong(), annotations);
    }

    private static Platform platform(JsonNode p) {
        if (p == null || !p.isObject() || !p.path("os").isTextual() || !p.path("architecture").isTextual()) {
            return null;
        }
        try {
            return new Platform(p.get("os").asText(), p.get("architecture").asText(), p.path("variant").asText(""));
        } catch (ContentException e) {
            return null;
        }
    }
}
