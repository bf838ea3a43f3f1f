package io.stowage.transfer;

import io.stowage.content.Descriptor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels containerd puts on manifests and indexes so that its garbage collector keeps their children
 * ({@code images.SetChildrenMappedLabels} with {@code images.ChildGCLabels}): config media types get
 * {@code containerd.io/gc.ref.content.config}, manifests {@code containerd.io/gc.ref.content.m.<i>}, layers
 * {@code containerd.io/gc.ref.content.l.<i>}, anything else (such as a nested index)
 * {@code containerd.io/gc.ref.content.<i>}, {@code i} counting per prefix from 0. Also the
 * {@code containerd.io/distribution.source.<registry>} label naming the repositories content came from, which a
 * push uses to mount blobs across repositories.
 */
final class GcLabels {
    static final String PREFIX = "containerd.io/gc.ref.content.";
    static final String SOURCE = "containerd.io/distribution.source.";

    private GcLabels() {
    }

    /** The labels of a parent pointing to {@code children}, in order. */
    static Map<String, String> children(List<Descriptor> children) {
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, Integer> counters = new HashMap<>();
        for (Descriptor c : children) {
            String key = key(c.mediaType());
            int i = counters.merge(key, 1, Integer::sum) - 1;
            labels.put(i > 0 || key.endsWith(".") ? key + i : key, c.digest().toString());
        }
        return labels;
    }

    private static String key(String mt) {
        String m = mt == null ? "" : mt;
        if (m.equals(MediaTypes.OCI_CONFIG) || m.equals(MediaTypes.DOCKER_CONFIG)
                || m.equals("application/vnd.containerd.container.checkpoint.config.v1+proto")
                || m.equals("application/vnd.containerd.container.criu.checkpoint.criu.tar")) {
            return PREFIX + "config";
        }
        if (MediaTypes.isManifest(m)) {
            return PREFIX + "m.";
        }
        if (m.startsWith("application/vnd.oci.image.layer.") || m.startsWith("application/vnd.docker.image.rootfs.")) {
            return PREFIX + "l.";
        }
        return PREFIX;
    }

    /** The source label key for a registry: {@code containerd.io/distribution.source.docker.io}. */
    static String sourceKey(String registry) {
        return SOURCE + registry;
    }

    /** {@code existing} (comma-separated repositories, or null) with {@code repository} added when missing. */
    static String addSource(String existing, String repository) {
        if (existing == null || existing.isEmpty()) {
            return repository;
        }
        for (String r : existing.split(",")) {
            if (r.equals(repository)) {
                return existing;
            }
        }
        return existing + "," + repository;
    }
}
