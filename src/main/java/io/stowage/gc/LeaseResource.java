package io.stowage.gc;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.Refs;
import java.util.Objects;

/**
 * Something a lease protects: committed content ({@code type} {@value #CONTENT}, {@code id} a digest) or an
 * ingest ({@code type} {@value #INGEST}, {@code id} its ref). Validated on creation.
 */
public record LeaseResource(String type, String id) {
    /** The type of a content resource. */
    public static final String CONTENT = "content";
    /** The type of an ingest resource. */
    public static final String INGEST = "ingest";

    public LeaseResource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        if (type.equals(CONTENT)) {
            Digest.parse(id);
        } else if (type.equals(INGEST)) {
            Refs.validate(id);
        } else {
            throw ContentException.invalidArgument("lease resource: unknown type " + type
                    + " (want content or ingest)");
        }
    }

    /** The resource for committed content. */
    public static LeaseResource content(Digest digest) {
        return new LeaseResource(CONTENT, digest.toString());
    }

    /** The resource for an ingest. */
    public static LeaseResource ingest(String ref) {
        return new LeaseResource(INGEST, ref);
    }
}
