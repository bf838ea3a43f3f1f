package io.stowage.gc;

import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.local.LocalContentStore;
import io.stowage.images.ImageStore;
import io.stowage.images.local.LocalImageStore;
import io.stowage.metadata.MetadataDb;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** A store, image store, leases and collector on one metadata database, with helpers writing blobs. */
final class GcFixture implements AutoCloseable {
    static final Duration T = Duration.ofSeconds(30);
    static final String LAYER = "application/vnd.oci.image.layer.v1.tar";
    static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    final MetadataDb db;
    final LocalContentStore store;
    final ImageStore images;
    final Leases leases;
    final GarbageCollector gc;

    GcFixture(Path root, GcOptions options) {
        db = MetadataDb.open(root.resolve("metadata.db"));
        store = LocalContentStore.open(root, Schedulers.boundedElastic(), db);
        images = LocalImageStore.open(db);
        leases = Leases.open(db);
        gc = GarbageCollector.local(store, db, options);
    }

    /** Commits bytes with labels (adding the labels when the blob already exists). */
    Mono<Descriptor> put(String mediaType, byte[] bytes, Map<String, String> labels) {
        Digest d = Digest.sha256(bytes);
        Descriptor desc = new Descriptor(mediaType, d, bytes.length, Map.of());
        return store.writer("w-" + UUID.nameUUIDFromBytes(bytes) + "-" + System.nanoTime(), bytes.length, d)
                .flatMap(w -> w.write(0, Flux.just(ByteBuffer.wrap(bytes)))
                        .then(w.commit(bytes.length, d, labels))
                        .then(w.close()))
                .onErrorResume(e -> ContentException.is(e, ErrorCode.ALREADY_EXISTS),
                        e -> labels.isEmpty() ? Mono.empty()
                                : store.update(io.stowage.content.Info.ofLabels(d, labels),
                                labels.keySet().stream().map(k -> "labels." + k).toArray(String[]::new)).then())
                .thenReturn(desc);
    }

    Mono<Descriptor> put(String mediaType, String text, Map<String, String> labels) {
        return put(mediaType, text.getBytes(StandardCharsets.UTF_8), labels);
    }

    /** A manifest JSON naming config and layers. */
    static String manifestJson(Descriptor config, List<Descriptor> layers) {
        StringBuilder sb = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":")
                .append(desc(config)).append(",\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            sb.append(i > 0 ? "," : "").append(desc(layers.get(i)));
        }
        return sb.append("]}").toString();
    }

    static Map<String, String> gcLabels(Descriptor config, List<Descriptor> layers) {
        Map<String, String> m = new java.util.HashMap<>();
        m.put("containerd.io/gc.ref.content.config", config.digest().toString());
        for (int i = 0; i < layers.size(); i++) {
            m.put("containerd.io/gc.ref.content.l." + i, layers.get(i).digest().toString());
        }
        return m;
    }

    private static String desc(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    boolean exists(Digest d) {
        return Boolean.TRUE.equals(store.info(d).map(i -> true)
                .onErrorResume(e -> ContentException.is(e, ErrorCode.NOT_FOUND), e -> Mono.just(false))
                .block(T));
    }

    @Override
    public void close() {
        store.close();
        db.close();
    }
}
