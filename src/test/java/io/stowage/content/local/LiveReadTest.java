package io.stowage.content.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Writer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Read-while-ingest on the local store ({@link io.stowage.content.LiveContent}): readers follow the ingest as the
 * writer lands bytes, the last byte waits for the commit, and resets, failed checks and closes never end a
 * reader cleanly. Ordering is asserted through what each side has seen, never through time.
 */
class LiveReadTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private LocalContentStore store;

    @BeforeEach
    void open() {
        store = LocalContentStore.open(root);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Flux<ByteBuffer> chunks(byte[] b, int from, int to, int chunk) {
        List<ByteBuffer> out = new ArrayList<>();
        for (int i = from; i < to; i += chunk) {
            out.add(ByteBuffer.wrap(Arrays.copyOfRange(b, i, Math.min(to, i + chunk))));
        }
        return Flux.fromIterable(out);
    }

    /** Collects a stream and lets the test wait until it has received a number of bytes or ended. */
    static final class Reader extends BaseSubscriber<ByteBuffer> {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final List<Object[]> thresholds = new ArrayList<>();

        @Override
        protected void hookOnSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        protected synchronized void hookOnNext(ByteBuffer buf) {
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            got.write(b, 0, b.length);
            thresholds.removeIf(t -> {
                if (got.size() >= (long) t[0]) {
                    ((CompletableFuture<?>) t[1]).complete(null);
                    return true;
                }
                return false;
            });
        }

        @Override
        protected void hookOnComplete() {
            done.complete(bytes());
        }

        @Override
        protected void hookOnError(Throwable e) {
            done.completeExceptionally(e);
        }

        synchronized byte[] bytes() {
            return got.toByteArray();
        }

        /** Waits (bounded) until at least {@code n} bytes arrived. */
        void awaitBytes(long n) throws Exception {
            CompletableFuture<Void> f = new CompletableFuture<>();
            synchronized (this) {
                if (got.size() >= n) {
                    return;
                }
                thresholds.add(new Object[] {n, f});
            }
            CompletableFuture.anyOf(f, done).get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(bytes().length).as("bytes received").isGreaterThanOrEqualTo((int) n);
        }

        ContentException failure() throws Exception {
            try {
                done.get(T.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(ContentException.class);
                return (ContentException) e.getCause();
            }
            throw new AssertionError("the stream ended cleanly with " + bytes().length + " bytes");
        }
    }

    private Reader follow(Digest d, long offset, long length) {
        Reader r = new Reader();
        store.readLive(d, offset, length).subscribe(r);
        return r;
    }

    @Test
    void aReaderGetsTheWrittenBytesAtOnceTheRestAsTheyLandAndTheEndAtTheCommit() throws Exception {
        byte[] data = random(3 * LocalContentStore.READ_CHUNK + 12345, 1);
        Digest d = Digest.sha256(data);
        Writer w = store.writer("live", data.length, d).block(T);
        w.write(chunks(data, 0, 700_000, 50_000)).block(T);
        assertThat(store.liveSize(d).block(T)).as("the declared total").isEqualTo(data.length);

        Reader r = follow(d, 0, -1);
        r.awaitBytes(700_000 - 1);
        assertThat(r.bytes()).as("all the writer landed but its last byte").hasSize(700_000 - 1);
        assertThat(r.done).as("the stream while the ingest is at 700000").isNotDone();

        w.write(chunks(data, 700_000, data.length, 65536)).block(T);
        r.awaitBytes(data.length - 1);
        assertThat(r.bytes()).hasSize(data.length - 1);
        assertThat(r.done).as("all but the last byte before the commit").isNotDone();

        w.commit(0, null, Map.of()).block(T);
        assertThat(r.done.get(T.toSeconds(), TimeUnit.SECONDS)).isEqualTo(data);
        assertThat(store.readLive(d, 0, -1).collectList().block(T)).as("committed: a plain read").isNotEmpty();
    }

    @Test
    void aRangeInsideTheWrittenPartIsServedAtOnce() throws Exception {
        byte[] data = random(400_000, 2);
        Digest d = Digest.sha256(data);
        Writer w = store.writer("range", data.length, d).block(T);
        w.write(chunks(data, 0, 300_000, 100_000)).block(T);

        Reader r = follow(d, 1000, 50_000);
        r.awaitBytes(50_000 - 1);
        assertThat(r.bytes()).isEqualTo(Arrays.copyOfRange(data, 1000, 50_999));

        Reader beyond = follow(d, 350_000, 10);
        w.write(chunks(data, 300_000, data.length, 100_000)).block(T);
        w.commit(0, null, Map.of()).block(T);
        assertThat(r.done.get(T.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Arrays.copyOfRange(data, 1000, 51_000));
        assertThat(beyond.done.get(T.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(Arrays.copyOfRange(data, 350_000, 350_010));
    }

    @Test
    void manyReadersFollowOneIngest() throws Exception {
        byte[] data = random(2 << 20, 3);
        Digest d = Digest.sha256(data);
        Writer w = store.writer("many", data.length, d).block(T);
        List<Reader> readers = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            readers.add(follow(d, 0, -1));
        }
        w.write(chunks(data, 0, data.length, 32 << 10)).block(T);
        w.commit(0, null, Map.of()).block(T);
        for (Reader r : readers) {
            assertThat(Digest.sha256(r.done.get(T.toSeconds(), TimeUnit.SECONDS))).isEqualTo(d);
        }
    }

    @Test
    void aResetBeforeAReaderGotAnythingIsFollowedFromTheStart() throws Exception {
        byte[] data = random(200_000, 4);
        Digest d = Digest.sha256(data);
        Writer w = store.writer("reset-early", data.length, d).block(T);
        w.write(chunks(random(30_000, 99), 0, 30_000, 10_000)).block(T);
        Reader r = follow(d, 100_000, -1);

        w.write(0, chunks(data, 0, data.length, 40_000)).block(T);
        w.commit(0, null, Map.of()).block(T);
        assertThat(r.done.get(T.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Arrays.copyOfRange(data, 100_000,
                data.length));
    }

    @Test
    void aResetAfterAReaderGotBytesFailsIt() throws Exception {
        byte[] data = random(200_000, 5);
        Digest d = Digest.sha256(data);
        Writer w = store.writer("reset-late", data.length, d).block(T);
        w.write(chunks(random(50_000, 98), 0, 50_000, 10_000)).block(T);
        Reader r = follow(d, 0, -1);
        r.awaitBytes(50_000 - 1);

        w.write(0, chunks(data, 0, data.length, 40_000)).block(T);
        assertThat(r.failure().code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(r.failure().getMessage()).contains("reset");
        w.commit(0, null, Map.of()).block(T);
    }

    @Test
    void aFailedDigestCheckFailsEveryReaderInsteadOfEndingIt() throws Exception {
        byte[] data = random(300_000, 6);
        byte[] wrong = data.clone();
        wrong[150_000] ^= 1;
        Digest d = Digest.sha256(data);
        Writer w = store.writer("wrong", data.length, d).block(T);
        Reader r = follow(d, 0, -1);
        w.write(chunks(wrong, 0, wrong.length, 64 << 10)).block(T);
        r.awaitBytes(wrong.length - 1);

        StepVerifier.create(w.commit(0, null, Map.of())).expectError(ContentException.class).verify(T);
        assertThat(r.failure().code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(r.bytes()).hasSize(wrong.length - 1);
    }

    @Test
    void aWriterClosedBeforeItsCommitFailsItsReadersWithUnavailable() throws Exception {
        byte[] data = random(100_000, 7);
        Digest d = Digest.sha256(data);
        Writer w = store.writer("closed", data.length, d).block(T);
        w.write(chunks(data, 0, 10_000, 10_000)).block(T);
        Reader r = follow(d, 0, -1);
        r.awaitBytes(10_000 - 1);
        w.close().block(T);
        assertThat(r.failure().code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void liveFileSpansFollowTheIngestAndTheLastByteWaitsForTheCommit() throws Exception {
        byte[] data = random(3000, 8);
        Digest d = Digest.sha256(data);
        Writer w = store.writer("spans", data.length, d).block(T);
        w.write(chunks(data, 0, 1000, 1000)).block(T);
        try (LiveFiles.LiveFile f = store.openLive(d, 0, -1).block(T)) {
            StepVerifier.create(f.spans())
                    .assertNext(span -> assertThat(span).containsExactly(0, 999))
                    .then(() -> w.write(chunks(data, 1000, 3000, 2000)).block(T))
                    .assertNext(span -> assertThat(span).containsExactly(999, 2000))
                    .then(() -> w.commit(0, null, Map.of()).block(T))
                    .assertNext(span -> assertThat(span).containsExactly(2999, 1))
                    .verifyComplete();
            ByteBuffer all = ByteBuffer.allocate(3000);
            f.channel().read(all, 0);
            assertThat(all.array()).isEqualTo(data);
        }
        try (LiveFiles.LiveFile f = store.openLive(d, 100, 50).block(T)) {
            StepVerifier.create(f.spans()).assertNext(span -> assertThat(span).containsExactly(100, 50))
                    .verifyComplete();
        }
    }

    @Test
    void withoutIngestOrContentItIsNotFound() {
        Digest d = Digest.sha256(new byte[] {1});
        StepVerifier.create(store.readLive(d, 0, -1))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.NOT_FOUND)).isTrue())
                .verify(T);
        StepVerifier.create(store.liveSize(d))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.NOT_FOUND)).isTrue())
                .verify(T);
        StepVerifier.create(Mono.defer(() -> store.readLive(d, -1, 1).then()))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.INVALID_ARGUMENT)).isTrue())
                .verify(T);
    }
}
