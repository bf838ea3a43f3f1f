package io.stowage.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Descriptor;
import io.stowage.images.Image;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pull-through mirror in front of the Debian registry: one upstream transfer shared by concurrent clients and
 * followed while it arrives, resume after a dropped upstream connection, no clean end of wrong bytes, manifests
 * by tag revalidated after their TTL and by digest fetched once, and a whole image pulled through it. The heavy
 * 256-client case is {@link MirrorLoadTest}.
 */
class MirrorTest extends MirrorTestBase {

    @Test
    void concurrentClientsOfAnUncachedLayerShareOneUpstreamTransfer() throws Exception {
        manyClientsShareOneUpstreamTransfer(24, 6 << 20);
    }

    @Test
    void anUpstreamDroppingMidLayerIsResumedWithRangeAndClientsSeeNoError() throws Exception {
        int size = 4 << 20;
        TestImages.Built built = TestImages.manifest(source, 82, Platform.current(), size);
        push(built, "hub/cut:v1");
        Descriptor layer = built.layersByPlatform().values().iterator().next().get(0);
        long crc = crcOf(layer);
        startMirror(registry.port(), null);
        relay.cutBlobResponses(2, size / 3);

        List<CompletableFuture<Got>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(get(blobPath("hub/cut", layer.digest()), () -> { }).toFuture());
        }
        for (var f : all) {
            assertThat(f.get(T.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Got(200, size, crc));
        }
        assertThat(relay.rangedBlobGets()).as("resumed with Range").isGreaterThanOrEqualTo(1);
        assertThat(relay.blobGets(layer.digest().toString())).as("first GET, then the resumes").isEqualTo(3);
        // what was in flight when a connection dropped (a few KiB) is fetched again, nothing more
        assertThat(relay.blobBytes(layer.digest().toString())).as("bytes fetched").isBetween((long) size,
                size + size / 20L);
    }

    @Test
    void anUpstreamServingWrongBytesGivesNoClientACleanEnd() throws Exception {
        int size = 3 << 20;
        TestImages.Built built = TestImages.manifest(source, 83, Platform.current(), size);
        push(built, "hub/bad:v1");
        Descriptor layer = built.layersByPlatform().values().iterator().next().get(0);
        startMirror(registry.port(), null);
        relay.corruptBlobs(size / 2);

        List<CompletableFuture<Got>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(get(blobPath("hub/bad", layer.digest()), () -> { }).toFuture());
        }
        for (var f : all) {
            try {
                Got got = f.get(T.toSeconds(), TimeUnit.SECONDS);
                assertThat(got.status()).as("a clean answer must be an error status, got %s", got)
                        .isGreaterThanOrEqualTo(500);
            } catch (ExecutionException e) {
                // the connection was cut: what must happen to a client that got bytes
            }
        }
        assertThat(mirrorStore.info(layer.digest()).onErrorResume(e -> reactor.core.publisher.Mono.empty())
                .blockOptional(T)).as("nothing committed").isEmpty();
    }

    @Test
    void aManifestByTagIsRevalidatedAfterItsTtlAndByDigestFetchedOnce() throws Exception {
        TestImages.Built built = TestImages.manifest(source, 84, Platform.current(), 1000);
        push(built, "hub/tagged:v1");
        startMirror(registry.port(), Duration.ZERO);

        assertThat(getBytes("/v2/hub/tagged/manifests/v1")).isEqualTo(200);
        assertThat(getBytes("/v2/hub/tagged/manifests/v1")).isEqualTo(200);
        assertThat(relay.manifestGets()).as("TTL 0: every GET by tag asks upstream").isEqualTo(2);
        assertThat(getBytes("/v2/hub/tagged/manifests/" + built.root().digest())).isEqualTo(200);
        assertThat(getBytes("/v2/hub/tagged/manifests/" + built.root().digest())).isEqualTo(200);
        assertThat(relay.manifestGets()).as("by digest: stored, never asked again").isEqualTo(2);
    }

    @Test
    void aManifestByTagIsServedFromTheCacheWithinItsTtlAndWhileTheUpstreamIsDown() throws Exception {
        TestImages.Built built = TestImages.manifest(source, 85, Platform.current(), 1000);
        push(built, "hub/cached:v1");
        startMirror(registry.port(), Duration.ofHours(1));

        assertThat(getBytes("/v2/hub/cached/manifests/v1")).isEqualTo(200);
        assertThat(getBytes("/v2/hub/cached/manifests/v1")).isEqualTo(200);
        assertThat(relay.manifestGets()).as("within the TTL").isEqualTo(1);
        assertThat(getBytes("/v2/hub/cached/manifests/nope")).isEqualTo(404);
    }

    @Test
    void aWholeImageIsPulledThroughTheMirror() {
        TestImages.Built built = TestImages.index(source, 86, List.of(Platform.current(), OTHER), 300_000, 5000);
        Reference upstreamRef = push(built, "hub/whole:v1");
        startMirror(registry.port(), null);
        try (Puller puller = Puller.create(target, images, options().withAllPlatforms())) {
            Image image = puller.pull(Reference.parse(mirrorHost() + "/hub/whole:v1")).block(T);
            assertThat(image.target().digest()).isEqualTo(built.root().digest());
        }
        for (Descriptor d : built.all()) {
            assertVerifies(d);
        }
        assertThat(upstreamRef.tag()).isEqualTo("v1");
        for (Descriptor d : built.layersByPlatform().values().stream().flatMap(List::stream).toList()) {
            assertThat(relay.blobGets(d.digest().toString())).as("upstream GETs of %s", d.digest()).isEqualTo(1);
        }
    }

    @Test
    void worksInFrontOfAnotherStowage() throws Exception {
        io.stowage.metadata.MetadataDb db = closeLater(io.stowage.metadata.MetadataDb.open(
                tmp.resolve("upstream/metadata.db")));
        io.stowage.content.local.LocalContentStore store = closeLater(io.stowage.content.local.LocalContentStore
                .open(tmp.resolve("upstream"), reactor.core.scheduler.Schedulers.boundedElastic(), db));
        io.stowage.server.StowageServer upstream = io.stowage.server.StowageServer.start(
                io.stowage.server.ServerOptions.defaults().withPort(0),
                List.of(io.stowage.registry.RegistryRoutes.of(store, db,
                        io.stowage.registry.RegistryOptions.defaults())));
        closeLater(() -> upstream.disposeNow(T));
        int port = upstream.address().getPort();
        TestImages.Built built = TestImages.manifest(source, 87, Platform.current(), 2 << 20, 1000);
        try (Pusher pusher = Pusher.create(source, options())) {
            pusher.push(Reference.parse("127.0.0.1:" + port + "/hub/stowed:v1"), built.root()).block(T);
        }
        startMirror(port, null);

        Descriptor layer = built.layersByPlatform().values().iterator().next().get(0);
        List<CompletableFuture<Got>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(get(blobPath("hub/stowed", layer.digest()), () -> { }).toFuture());
        }
        for (var f : all) {
            assertThat(f.get(T.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Got(200, layer.size(), crcOf(layer)));
        }
        try (Puller puller = Puller.create(target, images, options())) {
            Image image = puller.pull(Reference.parse(mirrorHost() + "/hub/stowed:v1")).block(T);
            assertThat(image.target().digest()).isEqualTo(built.root().digest());
        }
        built.all().forEach(this::assertVerifies);
        assertThat(relay.blobGets(layer.digest().toString())).as("upstream GETs of the layer").isEqualTo(1);
    }

    private int getBytes(String path) {
        return clients.get().uri(path).responseSingle((res, body) -> body.asByteArray()
                .defaultIfEmpty(new byte[0]).thenReturn(res.status().code())).block(T);
    }
}
