package io.stowage.registry;

import java.util.Locale;
import java.util.Set;

/** The manifest media types the registry stores: OCI image manifest and index, Docker schema 2 and manifest list. */
final class MediaTypes {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCTET_STREAM = "application/octet-stream";
    static final String JSON = "application/json";

    static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

    private MediaTypes() {
    }

    static boolean isSupported(String mediaType) {
        return MANIFESTS.contains(mediaType) || INDEXES.contains(mediaType);
    }

    static boolean isIndex(String mediaType) {
        return INDEXES.contains(mediaType);
    }

    /** A Content-Type header without parameters, trimmed and lower-cased; null for null or blank. */
    static String essence(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        String t = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        return t.isEmpty() ? null : t;
    }
}
