package io.stowage.gc;

import static io.stowage.gc.GcFixture.CONFIG;
import static io.stowage.gc.GcFixture.LAYER;
import static io.stowage.gc.GcFixture.MANIFEST;
import static io.stowage.gc.GcFixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.Writer;
import io.stowage.images.Image;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class GarbageCollectorTest {
    @TempDir
    Path root;
    GcFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private GcFixture fixture(GcOptions options) {
        f = new GcFixture(root, options);
        return f;
    }

    private Descriptor put(String mt, String text, Map<String, String> labels) {
        return f.put(mt, text, labels).block(T);
    }

    @Test
    void aDeletedImagesLayersGoUnlessAnotherImageSharesThem() {
        fixture(GcOptions.defaults());
        Descriptor shared = put(LAYER, "shared layer", Map.of());
        Descriptor onlyA = put(LAYER, "layer of a", Map.of());
        Descriptor onlyB = put(LAYER, "layer of b", Map.of());
        Descriptor configA = put(CONFIG, "{\"a\":1}", Map.of());
        Descriptor configB = put(CONFIG, "{\"b\":1}", Map.of());
        // a: labelled as pull writes it; b: plain JSON as a registry push leaves it
        Descriptor manifestA = put(MANIFEST, GcFixture.manifestJson(configA, List.of(shared, onlyA)),
                GcFixture.gcLabels(configA, List.of(shared, onlyA)));
        Descriptor manifestB = put(MANIFEST, GcFixture.manifestJson(configB, List.of(shared, onlyB)), Map.of());
        Descriptor garbage = put(LAYER, "never referenced", Map.of());
        f.images.put(Image.of("a", manifestA, Map.of())).block(T);
        f.images.put(Image.of("b", manifestB, Map.of())).block(T);

        GcReport first = f.gc.collect(false).block(T);
        assertThat(first.removed()).containsExactly(garbage.digest());
        assertThat(first.bytesFreed()).isEqualTo(garbage.size());

        f.images.delete("a").block(T);
        GcReport dry = f.gc.collect(true).block(T);
        assertThat(dry.removed()).containsExactlyInAnyOrder(manifestA.digest(), configA.digest(), onlyA.digest());
        assertThat(f.exists(manifestA.digest())).isTrue();

        GcReport second = f.gc.collect(false).block(T);
        assertThat(second.removed()).containsExactlyInAnyOrder(manifestA.digest(), configA.digest(), onlyA.digest());
        assertThat(second.bytesFreed()).isEqualTo(manifestA.size() + configA.size() + onlyA.size());
        for (Descriptor d : List.of(shared, onlyB, configB, manifestB)) {
            assertThat(f.exists(d.digest())).as(d.digest().toString()).isTrue();
        }
        for (Descriptor d : List.of(onlyA, configA, manifestA)) {
            assertThat(f.exists(d.digest())).as(d.digest().toString()).isFalse();
        }
    }

    @Test
    void gcRootLabelsAndLiveLeasesProtectContentExpiredLeasesDoNot() {
        fixture(GcOptions.defaults());
        Descriptor rooted = put(LAYER, "rooted", Map.of("containerd.io/gc.root", "2026-01-01T00:00:00Z"));
        Descriptor child = put(LAYER, "child of rooted", Map.of());
        f.store.update(io.stowage.content.Info.ofLabels(rooted.digest(),
                Map.of("containerd.io/gc.ref.content.0", child.digest().toString())),
                "labels.containerd.io/gc.ref.content.0").block(T);
        Descriptor leased = put(LAYER, "leased", Map.of());
        Descriptor expired = put(LAYER, "under an expired lease", Map.of());
        Lease live = f.leases.create("live", Map.of(), null).block(T);
        f.leases.addResource(live.id(), LeaseResource.content(leased.digest())).block(T);
        f.leases.create("old", Map.of(), Duration.ofMillis(-1)).block(T);
        f.leases.addResource("old", LeaseResource.content(expired.digest())).block(T);

        GcReport report = f.gc.collect(false).block(T);
        assertThat(report.removed()).containsExactly(expired.digest());
        assertThat(f.exists(rooted.digest())).isTrue();
        assertThat(f.exists(child.digest())).isTrue();
        assertThat(f.exists(leased.digest())).isTrue();

        f.leases.delete("live").block(T);
        assertThat(f.gc.collect(false).block(T).removed()).containsExactly(leased.digest());
    }

    @Test
    void expiredIngestsVanishUnlessLeased() {
        fixture(GcOptions.defaults().withIngestExpiry(Duration.ZERO));
        for (String ref : List.of("stale", "kept")) {
            Writer w = f.store.writer(ref, 0, null).block(T);
            w.write(0, Flux.just(ByteBuffer.wrap(new byte[] {1, 2, 3}))).then(w.close()).block(T);
        }
        Lease lease = f.leases.create(null, Map.of(), Duration.ofHours(1)).block(T);
        f.leases.addResource(lease.id(), LeaseResource.ingest("kept")).block(T);

        assertThat(f.gc.collect(true).block(T).ingestsAborted()).containsExactly("stale");
        assertThat(f.store.status("stale").block(T).offset()).isEqualTo(3);

        assertThat(f.gc.collect(false).block(T).ingestsAborted()).containsExactly("stale");
        StepVerifier.create(f.store.status("stale")).expectErrorSatisfies(e -> assertThat(e)
                .hasMessageContaining("not found")).verify(T);
        assertThat(f.store.status("kept").block(T).offset()).isEqualTo(3);
    }

    @Test
    void freshIngestsStayUnderTheDefaultExpiry() {
        fixture(GcOptions.defaults());
        Writer w = f.store.writer("fresh", 0, null).block(T);
        w.close().block(T);
        assertThat(f.gc.collect(false).block(T).ingestsAborted()).isEmpty();
        assertThat(f.store.status("fresh").block(T).ref()).isEqualTo("fresh");
    }

    @Test
    void jsonChildrenOfIndexesAndArtifacts() {
        Digest a = Digest.sha256(new byte[] {1});
        Digest b = Digest.sha256(new byte[] {2});
        String index = "{\"manifests\":[{\"digest\":\"" + a + "\"}],\"subject\":{\"digest\":\"" + b + "\"}}";
        assertThat(MarkSweep.jsonChildren(index.getBytes())).containsExactly(b, a);
        assertThat(MarkSweep.jsonChildren("not json".getBytes())).isEmpty();
        assertThat(MarkSweep.jsonChildren("{\"layers\":[{\"digest\":\"bad\"}]}".getBytes())).isEmpty();
    }
}
