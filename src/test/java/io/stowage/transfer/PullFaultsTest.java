package io.stowage.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Pulls through proxies that cut, stall, ignore Range, slow down or demand tokens; every blob must verify. */
class PullFaultsTest extends RegistryTestBase {
    private static final int MIB = 1 << 20;

    @Test
    void connectionsCutMidBlobResumeWithRangesAndFetchUnderOneAndAHalfTimesTheImage() {
        TestImages.Built built = TestImages.manifest(source, 10, Platform.current(), MIB, MIB, MIB);
        Reference ref = push(built, "faults/cut:v1");
        TcpFaultProxy proxy = closeLater(new TcpFaultProxy(registry.port(), TcpFaultProxy.Mode.CUT, 300_000, 6));
        List<BlobEvent> events = new CopyOnWriteArrayList<>();

        try (Puller puller = Puller.create(target, images, options())) {
            puller.pull(via(proxy.host(), ref), events::add).block(T);
        }

        built.all().forEach(this::assertVerifies);
        assertThat(proxy.faults()).as("connections cut").isEqualTo(6);
        assertThat(events).extracting(BlobEvent::message).anySatisfy(m -> assertThat(m).startsWith("retrying at byte"));
        assertThat(proxy.downstreamBytes()).as("bytes fetched for an image of " + size(built))
                .isLessThan(size(built) * 3 / 2);
        assertThat(target.listStatuses().collectList().block(T)).isEmpty();
    }

    @Test
    void aServerIgnoringRangeMakesTheIngestRestartAtZero() {
        TestImages.Built built = TestImages.manifest(source, 11, Platform.current(), MIB, 512 << 10);
        Reference ref = push(built, "faults/norange:v1");
        HttpRelay relay = closeLater(new HttpRelay(registry.port()).ignoreRange().cutBlobResponses(2, 200_000));
        List<BlobEvent> events = new CopyOnWriteArrayList<>();

        try (Puller puller = Puller.create(target, images, options())) {
            puller.pull(via(relay.host(), ref), events::add).block(T);
        }

        built.all().forEach(this::assertVerifies);
        assertThat(events).extracting(BlobEvent::message)
                .contains("registry sent the whole blob: restarting at 0");
    }

    @Test
    void twoConcurrentPullsOfOneImageDownloadEachLayerOnce() {
        TestImages.Built built = TestImages.manifest(source, 12, Platform.current(), MIB, MIB, 256 << 10);
        Reference ref = via("placeholder", push(built, "faults/twice:v1"));
        HttpRelay relay = closeLater(new HttpRelay(registry.port()).slowBlobs(Duration.ofMillis(2)));
        Reference viaRelay = via(relay.host(), ref);

        try (Puller one = Puller.create(target, images, options()); Puller two = Puller.create(target, images,
                options())) {
            Mono.when(one.pull(viaRelay), two.pull(viaRelay)).block(T);
        }

        built.all().forEach(this::assertVerifies);
        for (Descriptor layer : built.layersByPlatform().get(Platform.current().toString())) {
            assertThat(relay.blobBytes(layer.digest().toString())).as("bytes of layer " + layer.digest())
                    .isEqualTo(layer.size());
        }
    }

    @Test
    void aStalledTransferIsCutAfterTheStallTimeoutAndRetried() {
        TestImages.Built built = TestImages.manifest(source, 13, Platform.current(), MIB);
        Reference ref = push(built, "faults/stall:v1");
        TcpFaultProxy proxy = closeLater(new TcpFaultProxy(registry.port(), TcpFaultProxy.Mode.STALL, 200_000, 1));
        List<BlobEvent> events = new CopyOnWriteArrayList<>();

        try (Puller puller = Puller.create(target, images, options().withStallTimeout(Duration.ofSeconds(1)))) {
            puller.pull(via(proxy.host(), ref), events::add).block(T);
        }

        built.all().forEach(this::assertVerifies);
        assertThat(proxy.faults()).isEqualTo(1);
        assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
        assertThat(events).extracting(BlobEvent::message).anySatisfy(m -> assertThat(m).contains("no data for 1000 ms"));
    }

    @Test
    void retriesAreBoundedWhenNothingGetsThrough() {
        TestImages.Built built = TestImages.manifest(source, 14, Platform.current(), 1000);
        Reference ref = push(built, "faults/dead:v1");
        TcpFaultProxy proxy = closeLater(new TcpFaultProxy(registry.port(), TcpFaultProxy.Mode.CUT, 0, Integer.MAX_VALUE));

        try (Puller puller = Puller.create(target, images, options().withRetries(3, Duration.ofMillis(1),
                Duration.ofMillis(5)))) {
            StepVerifier.create(puller.pull(via(proxy.host(), ref)))
                    .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.UNAVAILABLE))
                            .as(e.toString()).isTrue())
                    .verify(T);
        }
        assertThat(proxy.connections()).isEqualTo(4);
    }

    @Test
    void tokenAuthFetchesATokenPerScopeCachesItAndRefreshesItAfterA401() {
        TestImages.Built built = TestImages.manifest(source, 15, Platform.current(), 300_000, 2000);
        HttpRelay relay = closeLater(new HttpRelay(registry.port()).requireBearer("alice", "secret"));
        Reference ref = Reference.parse(relay.host() + "/secure/app:v1");
        TransferOptions alice = options().withCredentials(Credentials.of("alice", "secret"));
        try (Pusher pusher = Pusher.create(source, alice)) {
            pusher.push(ref, built.root()).block(T);
        }
        int afterPush = relay.tokensIssued();
        assertThat(afterPush).as("tokens for the push").isBetween(1, 2);

        try (Puller anonymous = Puller.create(target, images, options())) {
            StepVerifier.create(anonymous.pull(ref))
                    .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.FAILED_PRECONDITION))
                            .as(e.toString()).isTrue())
                    .verify(T);
        }
        try (Puller puller = Puller.create(target, images, alice)) {
            puller.pull(ref).block(T);
            int afterPull = relay.tokensIssued();
            assertThat(afterPull - afterPush).as("one pull token, cached across requests").isEqualTo(1);

            relay.revokeTokens();
            target.delete(built.layersByPlatform().get(Platform.current().toString()).get(0).digest()).block(T);
            puller.pull(ref).block(T);
            assertThat(relay.tokensIssued() - afterPull).as("refreshed once after the 401").isEqualTo(1);
        }
        built.all().forEach(this::assertVerifies);
    }

    @Test
    void a206WhoseContentRangeDoesNotMatchIsRefusedAndTheBlobFetchedWhole() {
        TestImages.Built built = TestImages.manifest(source, 16, Platform.current(), MIB);
        Reference ref = push(built, "faults/badrange:v1");
        HttpRelay relay = closeLater(new HttpRelay(registry.port()).wrongContentRange().cutBlobResponses(1, 300_000));
        List<BlobEvent> events = new CopyOnWriteArrayList<>();

        try (Puller puller = Puller.create(target, images, options())) {
            puller.pull(via(relay.host(), ref), events::add).block(T);
        }

        built.all().forEach(this::assertVerifies);
        assertThat(events).extracting(BlobEvent::message)
                .anySatisfy(m -> assertThat(m).contains("not accepted, fetching the whole blob"))
                .contains("registry sent the whole blob: restarting at 0");
    }

    @Test
    void answers429And503AreRetriedWithBackoff() {
        TestImages.Built built = TestImages.manifest(source, 17, Platform.current(), 100_000);
        Reference ref = push(built, "faults/busy:v1");
        HttpRelay relay = closeLater(new HttpRelay(registry.port()).failBlobGets(4));
        List<BlobEvent> events = new CopyOnWriteArrayList<>();

        try (Puller puller = Puller.create(target, images, options().withConcurrency(1))) {
            puller.pull(via(relay.host(), ref), events::add).block(T);
        }

        built.all().forEach(this::assertVerifies);
        assertThat(events).extracting(BlobEvent::message)
                .anySatisfy(m -> assertThat(m).contains("HTTP 429"))
                .anySatisfy(m -> assertThat(m).contains("HTTP 503"));
    }
}
