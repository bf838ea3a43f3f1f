package io.stowage.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentStore;
import io.stowage.content.DelegatingStore;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.gc.GarbageCollector;
import io.stowage.gc.GcOptions;
import io.stowage.gc.GcReport;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A mirror asked for a blob it stores but no repository links (garbage) while a garbage collection runs: the
 * served store runs a whole collection right after it says the blob is there, before the mirror links it. The
 * client must get the whole blob, and the blob must stay; a second unreferenced blob shows the collection swept.
 */
class MirrorDuringCollectionTest extends MirrorTestBase {
    final AtomicBoolean armed = new AtomicBoolean();
    final List<GcReport> collections = new CopyOnWriteArrayList<>();
    GarbageCollector gc;

    @Override
    ContentStore mirrorServed() {
        return new DelegatingStore(mirrorStore) {
            @Override
            public Mono<Info> info(Digest digest) {
                return d.info(digest).flatMap(i -> !armed.compareAndSet(true, false) ? Mono.just(i)
                        : Mono.defer(() -> gc.collect(false)).doOnNext(collections::add).thenReturn(i));
            }
        };
    }

    @Test
    void aStoredUnlinkedBlobFoundPresentIsKeptThroughACollectionAndServedWhole() throws Exception {
        byte[] layer = new byte[300_000];
        new java.util.Random(91).nextBytes(layer);
        startMirror(registry.port(), null);
        gc = GarbageCollector.local(mirrorStore, mirrorDb, GcOptions.defaults());
        Descriptor stored = TestImages.put(mirrorStore, MediaTypes.OCI_LAYER_GZIP, layer);
        Descriptor other = TestImages.put(mirrorStore, MediaTypes.OCI_LAYER_GZIP, new byte[] {1, 2, 3});
        CRC32 crc = new CRC32();
        crc.update(layer);
        armed.set(true);

        Got got = get(blobPath("hub/kept", stored.digest()), () -> { }).block(T);

        assertThat(got).isEqualTo(new Got(200, layer.length, crc.getValue()));
        assertThat(collections).as("a collection ran while the mirror found the blob").hasSize(1);
        assertThat(collections.get(0).removed()).containsExactly(other.digest());
        assertThat(mirrorStore.info(stored.digest()).block(T).size()).isEqualTo(layer.length);
        assertThat(relay.blobGets(stored.digest().toString())).as("served from the store, not fetched").isZero();
    }
}
