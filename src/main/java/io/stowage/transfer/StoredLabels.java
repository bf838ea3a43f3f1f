package io.stowage.transfer;

import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.Ingests;
import io.stowage.content.Writer;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Small writes to the store that the transfers share: whole in-memory blobs (manifests, indexes) committed with
 * labels, and labels set on content that was already there, key by key so other labels stay.
 */
final class StoredLabels {
    private StoredLabels() {
    }

    /** The ingest ref of a pulled blob: derived from the digest, so two pulls of one blob share its lock. */
    static String pullRef(Digest d) {
        return "pull-" + d;
    }

    /**
     * Commits {@code bytes} as {@code desc} with {@code labels} under its pull ref; when the content is already
     * there, sets {@code existingLabels} on it instead. Emits true when it was written, false when it existed.
     */
    static Mono<Boolean> writeSmall(ContentStore store, Descriptor desc, byte[] bytes, Map<String, String> labels,
                                    Map<String, String> existingLabels) {
        return Ingests.openWriter(store, pullRef(desc.digest()), desc.size(), desc.digest())
                .flatMap(w -> Mono.usingWhen(Mono.just(w),
                        x -> x.write(0, Mono.just(ByteBuffer.wrap(bytes))).then(x.commit(desc.size(), desc.digest(), labels)),
                        Writer::close, (x, e) -> x.close(), Writer::close))
                .thenReturn(Boolean.TRUE)
                .onErrorResume(e -> ContentException.is(e, ErrorCode.ALREADY_EXISTS),
                        e -> setLabels(store, desc.digest(), existingLabels).thenReturn(Boolean.FALSE));
    }

    /** Sets each of {@code labels} on committed content, leaving its other labels alone. */
    static Mono<Void> setLabels(ContentStore store, Digest d, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return Mono.empty();
        }
        String[] paths = labels.keySet().stream().map(k -> "labels." + k).toArray(String[]::new);
        return store.update(Info.ofLabels(d, labels), paths).then();
    }

    /** Adds {@code repository} to the distribution source label of {@code registry} on committed content. */
    static Mono<Void> addSource(ContentStore store, Digest d, String registry, String repository) {
        String key = GcLabels.sourceKey(registry);
        return store.info(d).flatMap(info -> {
            String merged = GcLabels.addSource(info.labels().get(key), repository);
            if (merged.equals(info.labels().get(key))) {
                return Mono.empty();
            }
            Map<String, String> l = new HashMap<>();
            l.put(key, merged);
            return setLabels(store, d, l);
        });
    }
}
