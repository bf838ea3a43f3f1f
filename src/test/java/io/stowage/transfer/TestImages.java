package io.stowage.transfer;

import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import reactor.core.publisher.Mono;

/** Builds images of random layers in a store: OCI manifests per platform and an index over them. */
final class TestImages {
    static final Duration T = Duration.ofSeconds(60);

    /** A built image: its root and every descriptor in it (blobs and manifests). */
    record Built(Descriptor root, List<Descriptor> manifests, Map<String, List<Descriptor>> layersByPlatform,
                 List<Descriptor> configs) {
        long layerBytes() {
            return layersByPlatform.values().stream().flatMap(List::stream).mapToLong(Descriptor::size).sum();
        }

        List<Descriptor> all() {
            List<Descriptor> out = new ArrayList<>(manifests);
            out.addAll(configs);
            layersByPlatform.values().forEach(out::addAll);
            return out;
        }
    }

    private TestImages() {
    }

    /** An index over one manifest per platform, each with layers of the given sizes (random bytes). */
    static Built index(ContentStore store, long seed, List<Platform> platforms, int... layerSizes) {
        Random random = new Random(seed);
        List<Descriptor> manifests = new ArrayList<>();
        List<Descriptor> configs = new ArrayList<>();
        Map<String, List<Descriptor>> layers = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
                + "\",\"manifests\":[");
        for (int p = 0; p < platforms.size(); p++) {
            Platform platform = platforms.get(p);
            Descriptor m = manifest(store, random, platform, layerSizes, layers, configs);
            manifests.add(m);
            index.append(p == 0 ? "" : ",").append(descriptorJson(m)).setLength(index.length() - 1);
            index.append(",\"platform\":{\"os\":\"").append(platform.os()).append("\",\"architecture\":\"")
                    .append(platform.architecture()).append('"');
            if (!platform.variant().isEmpty()) {
                index.append(",\"variant\":\"").append(platform.variant()).append('"');
            }
            index.append("}}");
        }
        index.append("]}");
        Descriptor root = put(store, MediaTypes.OCI_INDEX, index.toString().getBytes(StandardCharsets.UTF_8));
        manifests.add(root);
        return new Built(root, manifests, layers, configs);
    }

    /** A single manifest (no index) for one platform. */
    static Built manifest(ContentStore store, long seed, Platform platform, int... layerSizes) {
        Random random = new Random(seed);
        List<Descriptor> configs = new ArrayList<>();
        Map<String, List<Descriptor>> layers = new LinkedHashMap<>();
        Descriptor m = manifest(store, random, platform, layerSizes, layers, configs);
        return new Built(m, List.of(m), layers, configs);
    }

    private static Descriptor manifest(ContentStore store, Random random, Platform platform, int[] sizes,
                                       Map<String, List<Descriptor>> layers, List<Descriptor> configs) {
        List<Descriptor> mine = new ArrayList<>();
        StringBuilder diffIds = new StringBuilder();
        for (int size : sizes) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            Descriptor l = put(store, MediaTypes.OCI_LAYER_GZIP, b);
            mine.add(l);
            diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(l.digest()).append('"');
        }
        layers.put(platform.toString(), mine);
        String config = "{\"architecture\":\"" + platform.architecture() + "\",\"os\":\"" + platform.os()
                + "\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]},\"config\":{\"Env\":[\"SEED="
                + random.nextLong() + "\"]}}";
        Descriptor c = put(store, MediaTypes.OCI_CONFIG, config.getBytes(StandardCharsets.UTF_8));
        configs.add(c);
        StringBuilder m = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":" + descriptorJson(c) + ",\"layers\":[");
        for (int i = 0; i < mine.size(); i++) {
            m.append(i == 0 ? "" : ",").append(descriptorJson(mine.get(i)));
        }
        m.append("]}");
        return put(store, MediaTypes.OCI_MANIFEST, m.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String descriptorJson(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    static Descriptor put(ContentStore store, String mediaType, byte[] b) {
        Digest d = Digest.sha256(b);
        store.writer("build-" + d, b.length, d)
                .flatMap(w -> w.write(Mono.just(ByteBuffer.wrap(b))).then(w.commit(b.length, d, Map.of())))
                .onErrorResume(e -> Mono.empty())
                .block(T);
        return new Descriptor(mediaType, d, b.length);
    }
}
