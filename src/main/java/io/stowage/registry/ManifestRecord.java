package io.stowage.registry;

import io.stowage.content.Digest;
import java.util.Map;

/**
 * A manifest as linked into one repository: its digest, the media type it was pushed with, its size, and what
 * the referrers API reports of it ({@code artifactType}, {@code subject}, annotations). Immutable.
 */
record ManifestRecord(Digest digest, String mediaType, long size, String artifactType, Digest subject,
                      Map<String, String> annotations) {
    ManifestRecord {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
