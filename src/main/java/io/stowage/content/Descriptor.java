package io.stowage.content;

import java.util.Map;
import java.util.Objects;

/**
 * What a reference to content says about it: media type, digest, size and annotations (the OCI descriptor).
 * Immutable; annotations are copied.
 */
public record Descriptor(String mediaType, Digest digest, long size, Map<String, String> annotations) {
    public Descriptor {
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw ContentException.invalidArgument("descriptor " + digest + ": negative size " + size);
        }
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, Map.of());
    }
}
