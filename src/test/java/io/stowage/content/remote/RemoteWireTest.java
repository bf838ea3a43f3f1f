package io.stowage.content.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.Status;
import io.stowage.content.Writer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * What the remote store adds to the contract: the wire itself. Refs that need escaping, data buffers split into
 * frames, status answered while a write stalls, the server stopping, an abort from another client, an
 * unreachable server, and every operation started from a non-blocking thread (BlockHound is installed).
 */
class RemoteWireTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private ServedStore served;

    @AfterEach
    void close() {
        if (served != null) {
            served.close();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Flux<ByteBuffer> chunks(byte[] bytes, int chunk) {
        return Flux.range(0, (bytes.length + chunk - 1) / chunk)
                .map(i -> ByteBuffer.wrap(bytes, i * chunk, Math.min(chunk, bytes.length - i * chunk)).slice());
    }

    private static void expectError(Publisher<?> p, ErrorCode code) {
        StepVerifier.create(p)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(ContentException.class,
                        ce -> assertThat(ce.code()).as("code of %s", ce).isEqualTo(code)))
                .verify(T);
    }

    @Test
    void refsThatNeedEscapingRoundTrip() {
        served = ServedStore.open(root);
        List<String> refs = List.of("a/b", "with space", "plus+sign", "100%", "q?x#y&z=1", "é/ü", "🚀", "..", ".",
                "%2F");
        for (String ref : refs) {
            Writer w = served.writer(ref, 0, null).block(T);
            assertThat(w.write(Mono.just(ByteBuffer.wrap(new byte[] {1, 2, 3}))).block(T)).as(ref).isEqualTo(3);
            assertThat(served.status(ref).block(T).ref()).as(ref).isEqualTo(ref);
            w.close().block(T);
        }
        assertThat(served.listStatuses().map(Status::ref).collectList().block(T))
                .containsExactlyInAnyOrderElementsOf(refs);
        for (String ref : refs) {
            served.abort(ref).block(T);
            expectError(served.status(ref), ErrorCode.NOT_FOUND);
        }
    }

    @Test
    void buffersLargerThanAFrameAreSplitAndLandWhole() {
        served = ServedStore.open(root, RemoteOptions.defaults().withMaxFrameBytes(64 << 10));
        byte[] data = random(300 * 1024 + 3, 1);
        Digest d = Digest.sha256(data);
        Writer w = served.writer("split", data.length, d).block(T);
        assertThat(w.write(Flux.just(ByteBuffer.wrap(data, 0, 1000).slice(),
                ByteBuffer.wrap(data, 1000, data.length - 1000).slice())).block(T)).isEqualTo(data.length);
        assertThat(w.digest().block(T)).isEqualTo(d);
        assertThat(w.commit(0, null, Map.of()).block(T).size()).isEqualTo(data.length);
        byte[] read = served.read(d).reduce(new byte[0], (acc, b) -> {
            byte[] more = Arrays.copyOf(acc, acc.length + b.remaining());
            b.get(more, acc.length, b.remaining());
            return more;
        }).block(T);
        assertThat(read).isEqualTo(data);
    }

    @Test
    void statusAndDigestAnswerWhileAWriteIsStalled() {
        served = ServedStore.open(root);
        byte[] data = random(3000, 2);
        Sinks.Many<ByteBuffer> source = Sinks.many().unicast().onBackpressureBuffer();
        Writer w = served.writer("stalled", 0, null).block(T);
        AtomicReference<Long> written = new AtomicReference<>();
        w.write(source.asFlux()).subscribe(written::set);
        source.tryEmitNext(ByteBuffer.wrap(data, 0, 1000).slice());
        source.tryEmitNext(ByteBuffer.wrap(data, 1000, 1000).slice());

        // the source has not ended, yet a status comes back; it reaches 2000 once both buffers are on the server
        Status st = Flux.defer(w::status).repeat().filter(s -> s.offset() == 2000).next().block(T);
        assertThat(st.offset()).isEqualTo(2000);
        assertThat(w.digest().block(T)).isEqualTo(Digest.sha256(Arrays.copyOf(data, 2000)));
        assertThat(written.get()).as("the write is still running").isNull();

        source.tryEmitNext(ByteBuffer.wrap(data, 2000, 1000).slice());
        source.tryEmitComplete();
        assertThat(Mono.fromSupplier(written::get).repeatWhenEmpty(f -> f).block(T)).isEqualTo(3000);
        assertThat(w.commit(3000, Digest.sha256(data), Map.of()).block(T).digest()).isEqualTo(Digest.sha256(data));
    }

    @Test
    void anAbortFromAnotherClientEndsTheWriter() {
        served = ServedStore.open(root);
        Writer w = served.writer("shared", 0, null).block(T);
        w.write(Mono.just(ByteBuffer.wrap(new byte[] {1}))).block(T);
        try (RemoteContentStore other = RemoteContentStore.connect(served.server().uri())) {
            other.abort("shared").block(T);
        }
        StepVerifier.create(w.status())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(ContentException.class, ce -> {
                    assertThat(ce.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                    assertThat(ce.getMessage()).contains("aborted");
                }))
                .verify(T);
        expectError(w.write(Mono.just(ByteBuffer.wrap(new byte[] {2}))), ErrorCode.FAILED_PRECONDITION);
        expectError(served.status("shared"), ErrorCode.NOT_FOUND);
        w.close().block(T);
    }

    @Test
    void aWriterEndsWhenItsServerStops() {
        ServedStore stopping = ServedStore.open(root);
        try {
            Writer w = stopping.writer("gone", 0, null).block(T);
            w.write(Mono.just(ByteBuffer.wrap(new byte[] {1}))).block(T);
            stopping.server().disposeNow(T);
            stopping.local().close();

            Throwable first = w.write(Mono.just(ByteBuffer.wrap(new byte[] {2}))).materialize().block(T)
                    .getThrowable();
            assertThat(first).isInstanceOfSatisfying(ContentException.class, ce -> assertThat(ce.code())
                    .isIn(ErrorCode.UNAVAILABLE, ErrorCode.FAILED_PRECONDITION));
            expectError(w.status(), ErrorCode.FAILED_PRECONDITION);
            w.close().block(T);
            try (RemoteContentStore fresh = RemoteContentStore.connect(stopping.server().uri())) {
                expectError(fresh.info(Digest.sha256(new byte[] {1})), ErrorCode.UNAVAILABLE);
            }
        } finally {
            stopping.remote().close();
        }
    }

    @Test
    void anUnreachableServerIsUnavailableAndAClosedStoreFailsItsCalls() {
        RemoteContentStore nowhere = RemoteContentStore.connect(URI.create("http://127.0.0.1:1"),
                RemoteOptions.defaults().withConnectTimeout(Duration.ofSeconds(5)));
        expectError(nowhere.info(Digest.sha256(new byte[0])), ErrorCode.UNAVAILABLE);
        expectError(nowhere.writer("x", 0, null), ErrorCode.UNAVAILABLE);
        expectError(nowhere.walk(), ErrorCode.UNAVAILABLE);
        nowhere.close();
        nowhere.close();
        expectError(nowhere.status("x"), ErrorCode.FAILED_PRECONDITION);
        expectError(nowhere.writer("x", 0, null), ErrorCode.FAILED_PRECONDITION);
    }

    @Test
    void aBadAddressIsInvalidArgument() {
        for (String bad : new String[] {"ftp://host:1", "localhost:5000", "http:///nohost"}) {
            try {
                RemoteContentStore.connect(URI.create(bad));
                throw new AssertionError(bad + " accepted");
            } catch (ContentException e) {
                assertThat(e.code()).as(bad).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            }
        }
    }

    @Test
    void everyOperationStartsWithoutBlockingTheCallingThread() {
        served = ServedStore.open(root);
        Scheduler loop = Schedulers.parallel();
        byte[] data = random(1024 * 1024 + 17, 3);
        Digest d = Digest.sha256(data);
        Flux<ByteBuffer> source = chunks(data, 65536).publishOn(loop);

        Info info = Mono.defer(() -> served.writer("nb", data.length, d)).subscribeOn(loop)
                .publishOn(loop)
                .flatMap(w -> w.write(0, source).publishOn(loop)
                        .then(Mono.defer(w::status)).publishOn(loop)
                        .then(Mono.defer(w::digest)).publishOn(loop)
                        .then(Mono.defer(() -> w.truncate(0))).publishOn(loop)
                        .then(Mono.defer(() -> w.write(source))).publishOn(loop)
                        .then(Mono.defer(() -> w.commit(0, null, Map.of("a", "b")))))
                .publishOn(loop)
                .block(T);
        assertThat(info.digest()).isEqualTo(d);

        Long read = Mono.defer(() -> served.read(d, 10, 1_000_000).publishOn(loop)
                        .map(ByteBuffer::remaining).reduce(0L, Long::sum))
                .subscribeOn(loop).block(T);
        assertThat(read).isEqualTo(1_000_000L);
        assertThat(Mono.defer(() -> served.info(d)).subscribeOn(loop).publishOn(loop)
                .flatMap(i -> served.update(Info.ofLabels(d, Map.of("x", "y")), "labels.x")).block(T).labels())
                .containsEntry("x", "y").containsEntry("a", "b");
        assertThat(Flux.defer(() -> served.walk()).subscribeOn(loop).collectList().block(T)).hasSize(1);
        assertThat(Flux.defer(() -> served.listStatuses()).subscribeOn(loop).collectList().block(T)).isEmpty();
        Mono.defer(() -> served.writer("nb2", 0, null)).subscribeOn(loop)
                .flatMap(w -> w.close()).block(T);
        Mono.defer(() -> served.abort("nb2")).subscribeOn(loop).block(T);
        Mono.defer(() -> served.delete(d)).subscribeOn(loop).block(T);
    }
}
