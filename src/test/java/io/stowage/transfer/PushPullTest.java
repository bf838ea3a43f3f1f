package io.stowage.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.local.LocalContentStore;
import io.stowage.gc.GarbageCollector;
import io.stowage.gc.GcOptions;
import io.stowage.gc.GcReport;
import io.stowage.gc.LeaseResource;
import io.stowage.gc.Leases;
import io.stowage.images.Image;
import io.stowage.images.local.LocalImageStore;
import io.stowage.metadata.MetadataDb;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push an image built here to the Debian registry, pull it back into a fresh store, check every byte. */
class PushPullTest extends RegistryTestBase {
    @Test
    void pushedIndexPullsBackForThisPlatformWithGcLabels() {
        TestImages.Built built = TestImages.index(source, 1, List.of(Platform.current(), OTHER),
                700_000, 300_000, 1);
        Reference ref = Reference.parse(registry.host() + "/test/app:v1");
        try (Pusher pusher = Pusher.create(source, options())) {
            assertThat(pusher.push(ref, built.root()).block(T)).isEqualTo(built.root());
        }

        Image image;
        try (Puller puller = Puller.create(target, images, options())) {
            image = puller.pull(ref).block(T);
        }
        assertThat(image.name()).isEqualTo(registry.host() + "/test/app:v1");
        assertThat(image.target().digest()).isEqualTo(built.root().digest());
        assertThat(image.target().mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(images.get(image.name()).block(T)).isEqualTo(image);

        List<Descriptor> mine = built.layersByPlatform().get(Platform.current().toString());
        for (Descriptor d : mine) {
            assertVerifies(d);
        }
        for (Descriptor d : built.layersByPlatform().get(OTHER.toString())) {
            assertThat(target.info(d.digest()).onErrorResume(e -> reactor.core.publisher.Mono.empty()).block(T))
                    .as("layer of the other platform").isNull();
        }
        Descriptor manifest = built.manifests().get(0);
        Info index = target.info(built.root().digest()).block(T);
        assertThat(index.labels()).containsEntry("containerd.io/gc.ref.content.m.0", manifest.digest().toString())
                .containsEntry("containerd.io/distribution.source." + registry.host(), "test/app")
                .doesNotContainKey("containerd.io/gc.ref.content.m.1");
        Info m = target.info(manifest.digest()).block(T);
        assertThat(m.labels()).containsEntry("containerd.io/gc.ref.content.config",
                        built.configs().get(0).digest().toString())
                .containsEntry("containerd.io/gc.ref.content.l.0", mine.get(0).digest().toString())
                .containsEntry("containerd.io/gc.ref.content.l.1", mine.get(1).digest().toString())
                .containsEntry("containerd.io/gc.ref.content.l.2", mine.get(2).digest().toString());
        assertVerifies(built.configs().get(0));
        assertVerifies(manifest);
        assertVerifies(built.root());
        assertThat(target.listStatuses().collectList().block(T)).as("no ingest left").isEmpty();
    }

    @Test
    void aPullHoldsATemporaryLeaseOnEveryBlobUntilTheImageIsRecorded() {
        TestImages.Built built = TestImages.manifest(source, 7, Platform.current(), 300_000, 200_000);
        Reference ref = Reference.parse(registry.host() + "/test/leased:v1");
        try (Pusher pusher = Pusher.create(source, options())) {
            pusher.push(ref, built.root()).block(T);
        }
        Leases leases = Leases.open(targetDb);
        java.util.concurrent.CompletableFuture<List<LeaseResource>> during = new java.util.concurrent.CompletableFuture<>();
        try (Puller puller = Puller.create(target, images, leases, options())) {
            puller.pull(ref, event -> {
                if (!during.isDone()) {
                    leases.list().concatMap(l -> leases.resources(l.id())).collectList().subscribe(during::complete);
                }
            }).block(T);
        }
        assertThat(during.join()).containsAll(built.all().stream().map(d -> LeaseResource.content(d.digest()))
                .toList());
        assertThat(leases.list().collectList().block(T)).as("the temporary lease is gone").isEmpty();
        GcReport report = GarbageCollector.local(target, targetDb, GcOptions.defaults()).collect(false).block(T);
        assertThat(report.removed()).isEmpty();
        built.all().forEach(this::assertVerifies);
    }

    @Test
    void allPlatformsPullsEveryManifestAndEveryBlobVerifies() {
        TestImages.Built built = TestImages.index(source, 2, List.of(Platform.current(), OTHER), 400_000, 5);
        Reference ref = Reference.parse(registry.host() + "/test/all:v1");
        try (Pusher pusher = Pusher.create(source, options())) {
            pusher.push(ref, built.root()).block(T);
        }
        try (Puller puller = Puller.create(target, images, options().withAllPlatforms())) {
            puller.pull(ref).block(T);
        }
        for (Descriptor d : built.all()) {
            assertVerifies(d);
        }
        assertThat(target.info(built.root().digest()).block(T).labels())
                .containsEntry("containerd.io/gc.ref.content.m.0", built.manifests().get(0).digest().toString())
                .containsEntry("containerd.io/gc.ref.content.m.1", built.manifests().get(1).digest().toString());
    }

    @Test
    void pullByDigestAndPullAgainFindsEverythingThere() {
        TestImages.Built built = TestImages.manifest(source, 3, Platform.current(), 100_000, 200_000);
        Reference ref = Reference.parse(registry.host() + "/test/single:v1");
        try (Pusher pusher = Pusher.create(source, options())) {
            pusher.push(ref, built.root()).block(T);
        }
        Reference byDigest = Reference.parse(registry.host() + "/test/single@" + built.root().digest());
        try (Puller puller = Puller.create(target, images, options())) {
            Image first = puller.pull(byDigest).block(T);
            assertThat(first.name()).isEqualTo(registry.host() + "/test/single@" + built.root().digest());
            List<BlobEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            puller.pull(ref, events::add).block(T);
            assertThat(events).filteredOn(e -> e.state().isFinal()).extracting(BlobEvent::state)
                    .containsOnly(BlobState.EXISTS);
        }
        for (Descriptor d : built.all()) {
            assertVerifies(d);
        }
    }

    @Test
    void pushMountsBlobsPulledFromAnotherRepositoryOfTheSameRegistry() {
        TestImages.Built built = TestImages.manifest(source, 4, Platform.current(), 300_000);
        Reference first = Reference.parse(registry.host() + "/team/one:v1");
        try (Pusher pusher = Pusher.create(source, options())) {
            pusher.push(first, built.root()).block(T);
        }
        try (Puller puller = Puller.create(target, images, options())) {
            puller.pull(first).block(T);
        }
        List<BlobEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        Reference second = Reference.parse(registry.host() + "/team/two:v1");
        try (Pusher pusher = Pusher.create(target, options())) {
            pusher.push(second, built.root(), events::add).block(T);
        }
        assertThat(events).filteredOn(e -> e.state() == BlobState.EXISTS && e.message() != null)
                .extracting(BlobEvent::message).contains("mounted from team/one");
        LocalContentStore again = LocalContentStore.open(tmp.resolve("again"));
        try (again; Puller puller = Puller.create(again, null, options())) {
            puller.pull(second).block(T);
            for (Descriptor d : built.all()) {
                assertThat(sha256(again, d.digest())).isEqualTo(d.digest());
            }
        }
    }

    @Test
    void aFailedChunkResumesTheUploadSessionWhereTheRegistryStands() {
        TestImages.Built built = TestImages.manifest(source, 5, Platform.current(), 2 << 20, 1 << 20);
        HttpRelay relay = closeLater(new HttpRelay(registry.port()).failPatches(3, 4, 9));
        Reference viaRelay = Reference.parse(relay.host() + "/push/resume:v1");
        List<BlobEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Pusher pusher = Pusher.create(source, options().withConcurrency(1))) {
            pusher.push(viaRelay, built.root(), events::add).block(T);
        }
        assertThat(events).extracting(BlobEvent::message)
                .anySatisfy(m -> assertThat(m).startsWith("resuming the upload session at byte"))
                .noneSatisfy(m -> assertThat(m).contains("starting a new one"));
        long layers = built.layersByPlatform().values().stream().flatMap(List::stream)
                .mapToLong(Descriptor::size).sum();
        assertThat(relay.patchBytes()).as("each byte sent once").isEqualTo(layers + built.configs().get(0).size());

        try (Puller puller = Puller.create(target, images, options())) {
            puller.pull(Reference.parse(registry.host() + "/push/resume:v1")).block(T);
        }
        built.all().forEach(this::assertVerifies);
    }

    /**
     * distribution 2.8 cancels an upload session whose PATCH was cut mid-body (the bytes it got no longer match the
     * offset in the session's state), so the resume finds the session gone and starts a new one.
     */
    @Test
    void aPushCutMidChunkStartsANewSessionWhenTheRegistryDroppedItAndEveryBlobVerifies() {
        TestImages.Built built = TestImages.manifest(source, 6, Platform.current(), 2 << 20, 1 << 20);
        TcpFaultProxy proxy = closeLater(new TcpFaultProxy(registry.port(), TcpFaultProxy.Mode.CUT, 600_000, 3,
                true));
        Reference viaProxy = Reference.parse(proxy.host() + "/push/cut:v1");
        List<BlobEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Pusher pusher = Pusher.create(source, options())) {
            pusher.push(viaProxy, built.root(), events::add).block(T);
        }
        assertThat(proxy.faults()).isEqualTo(3);
        assertThat(events).extracting(BlobEvent::message).anySatisfy(m -> assertThat(m).startsWith("retrying"));

        try (Puller puller = Puller.create(target, images, options())) {
            puller.pull(Reference.parse(registry.host() + "/push/cut:v1")).block(T);
        }
        built.all().forEach(this::assertVerifies);
    }
}
