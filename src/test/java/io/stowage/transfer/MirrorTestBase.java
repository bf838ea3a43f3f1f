package io.stowage.transfer;

import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.local.LocalContentStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.registry.MirrorRoute;
import io.stowage.registry.RegistryOptions;
import io.stowage.registry.RegistryRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.StowageServer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A pull-through mirror (a StowageServer whose registry API mirrors every repository) in front of the Debian
 * registry of {@link RegistryTestBase}, reached through a counting {@link HttpRelay}; and plain HTTP clients of
 * the mirror that count what they receive.
 */
abstract class MirrorTestBase extends RegistryTestBase {
    HttpRelay relay;
    MetadataDb mirrorDb;
    LocalContentStore mirrorStore;
    RegistryRoutes mirrorRoutes;
    StowageServer mirror;
    ConnectionProvider clientPool;
    HttpClient clients;

    /** Starts the relay in front of {@code upstreamPort} and the mirror in front of the relay. */
    void startMirror(int upstreamPort, java.time.Duration tagTtl) {
        relay = new HttpRelay(upstreamPort);
        mirrorDb = MetadataDb.open(tmp.resolve("mirror/metadata.db"));
        mirrorStore = LocalContentStore.open(tmp.resolve("mirror"), Schedulers.boundedElastic(), mirrorDb);
        MirrorRoute r = MirrorRoute.of("", relay.host()).withPlainHttp(true);
        if (tagTtl != null) {
            r = r.withTagTtl(tagTtl);
        }
        mirrorRoutes = RegistryRoutes.mirroring(mirrorServed(), mirrorDb, RegistryOptions.defaults(),
                Schedulers.boundedElastic(), List.of(r), options());
        mirror = StowageServer.start(ServerOptions.defaults().withPort(0), List.of(mirrorRoutes));
        clientPool = ConnectionProvider.builder("mirror-clients").maxConnections(512).pendingAcquireMaxCount(-1)
                .build();
        clients = HttpClient.create(clientPool).baseUrl("http://127.0.0.1:" + mirror.address().getPort());
    }

    /** The store the mirror serves; tests wrap {@link #mirrorStore} here to step into its calls. */
    ContentStore mirrorServed() {
        return mirrorStore;
    }

    @AfterEach
    void stopMirror() {
        if (clientPool != null) {
            clientPool.disposeLater().block(T);
        }
        if (mirror != null) {
            mirror.disposeNow(T);
        }
        if (mirrorRoutes != null) {
            mirrorRoutes.close();
        }
        if (mirrorStore != null) {
            mirrorStore.close();
        }
        if (mirrorDb != null) {
            mirrorDb.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    String mirrorHost() {
        return "127.0.0.1:" + mirror.address().getPort();
    }

    /** What one client got: the status, the body's length and CRC-32, and whether the body ended cleanly. */
    record Got(int status, long length, long crc) {
    }

    /** GETs {@code path} of the mirror; {@code firstByte} runs when the first body byte arrives. */
    Mono<Got> get(String path, Runnable firstByte) {
        return clients.get().uri(path).response((res, body) -> {
            CRC32 crc = new CRC32();
            AtomicLong n = new AtomicLong();
            AtomicBoolean first = new AtomicBoolean();
            return body.map(buf -> {
                int k = buf.readableBytes();
                if (k > 0 && first.compareAndSet(false, true)) {
                    firstByte.run();
                }
                ByteBuffer nio = buf.nioBuffer();
                crc.update(nio);
                return n.addAndGet(k);
            }).then(Mono.fromCallable(() -> new Got(res.status().code(), n.get(), crc.getValue())));
        }).single();
    }

    /** The CRC-32 of a blob of the source store. */
    long crcOf(Descriptor d) {
        CRC32 crc = new CRC32();
        source.read(d.digest()).doOnNext(crc::update).blockLast(T);
        return crc.getValue();
    }

    /**
     * {@code n} clients ask the mirror at once for one uncached layer of {@code size} bytes whose upstream body is
     * held after a quarter: every client must get its first byte while the upstream transfer is held (ordering
     * by events: the first bytes arrive before the upload could end), then all get the whole layer, correct, and
     * the upstream saw exactly one transfer of it.
     */
    void manyClientsShareOneUpstreamTransfer(int n, int size) throws Exception {
        TestImages.Built built = TestImages.manifest(source, 81, Platform.current(), size);
        push(built, "hub/app:v1");
        Descriptor layer = built.layersByPlatform().values().iterator().next().get(0);
        long crc = crcOf(layer);
        startMirror(registry.port(), null);
        relay.holdBlobsAfter(size / 4);

        java.util.concurrent.CountDownLatch firstBytes = new java.util.concurrent.CountDownLatch(n);
        List<java.util.concurrent.CompletableFuture<Got>> all = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(get(blobPath("hub/app", layer.digest()), firstBytes::countDown).toFuture());
        }
        org.assertj.core.api.Assertions.assertThat(firstBytes.await(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                .as("every client got its first byte while the upstream transfer is held").isTrue();
        org.assertj.core.api.Assertions.assertThat(relay.blobBytes(layer.digest().toString()))
                .as("upstream bytes sent when all clients had their first byte").isLessThan(size);
        org.assertj.core.api.Assertions.assertThat(all).as("no client done before the upload").noneMatch(
                java.util.concurrent.CompletableFuture::isDone);
        relay.releaseBlobs();

        for (var f : all) {
            Got got = f.get(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            org.assertj.core.api.Assertions.assertThat(got).isEqualTo(new Got(200, size, crc));
        }
        org.assertj.core.api.Assertions.assertThat(relay.blobGets(layer.digest().toString()))
                .as("upstream GETs of the layer").isEqualTo(1);
        org.assertj.core.api.Assertions.assertThat(relay.blobBytes(layer.digest().toString()))
                .as("upstream bytes of the layer").isEqualTo(size);
        org.assertj.core.api.Assertions.assertThat(RegistryTestBase.sha256(mirrorStore, layer.digest()))
                .isEqualTo(layer.digest());
    }

    static String blobPath(String repository, Digest d) {
        return "/v2/" + repository + "/blobs/" + d;
    }
}
