package io.stowage.content;

import static io.stowage.content.Await.await;
import static io.stowage.content.Await.awaitError;
import static io.stowage.content.Await.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Reset at offset 0 (a write at 0 or {@code truncate(0)} on an ingest holding data), also while an earlier
 * stream is still being written, and writes at a wrong offset. Part of {@link ContentStoreContract}.
 */
public interface ResetContract extends StoreUnderTest {

    @Test
    default void writeAtZeroResetsTheIngestWhileHoldingTheLock(StoreFixture fx) throws Exception {
        ContentStore store = fx.store();
        Blob first = Blob.random(3000, 501);
        Blob second = Blob.random(2000, 502);
        Writer w = await(store.writer("reset", 0, null));
        await(w.write(first.chunks(500)));
        Status before = await(w.status());

        Sinks.Many<ByteBuffer> resetData = Sinks.many().unicast().onBackpressureBuffer();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Long> reset = w.write(0, resetData.asFlux().doOnNext(b -> started.countDown()))
                .toFuture();
        second.chunks(500).take(1).subscribe(resetData::tryEmitNext);
        assertThat(started.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        awaitError(store.writer("reset", 0, null), ErrorCode.UNAVAILABLE);
        second.chunks(500).skip(1).subscribe(resetData::tryEmitNext, e -> { }, resetData::tryEmitComplete);
        assertThat(reset.get(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(second.size());

        Status st = await(w.status());
        assertThat(st.offset()).isEqualTo(second.size());
        assertThat(st.startedAt()).isEqualTo(before.startedAt());
        assertThat(st.updatedAt()).isAfter(before.updatedAt());
        assertThat(await(w.digest())).as("digest after reset covers the new data only").isEqualTo(second.digest());
        awaitError(store.writer("reset", 0, null), ErrorCode.UNAVAILABLE);

        Info info = await(w.commit(second.size(), second.digest(), Map.of()));
        assertThat(info.size()).isEqualTo(second.size());
        assertThat(bytes(store.read(second.digest()))).isEqualTo(second.bytes());
    }

    @Test
    default void truncateToZeroResetsTheIngestWhileHoldingTheLock(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob first = Blob.random(3000, 511);
        Blob second = Blob.random(1000, 512);
        Writer w = await(store.writer("truncate", 0, null));
        await(w.write(first.chunks(500)));

        await(w.truncate(0));
        assertThat(await(w.status()).offset()).isZero();
        assertThat(await(w.digest())).isEqualTo(Blob.of(new byte[0]).digest());
        awaitError(store.writer("truncate", 0, null), ErrorCode.UNAVAILABLE);
        assertThat(await(store.status("truncate")).offset()).isZero();

        awaitError(w.truncate(7), ErrorCode.INVALID_ARGUMENT);
        await(w.write(second.chunks(300)));
        awaitError(w.truncate(second.size()), ErrorCode.INVALID_ARGUMENT);
        assertThat(await(w.status()).offset()).as("a rejected truncate changes nothing").isEqualTo(second.size());
        Info info = await(w.commit(0, null, Map.of()));
        assertThat(info.digest()).isEqualTo(second.digest());
        assertThat(bytes(store.read(second.digest()))).isEqualTo(second.bytes());
    }

    @Test
    default void writeAtAWrongOffsetIsOutOfRangeWithTheCurrentOffset(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(400, 521);
        Writer w = await(store.writer("offsets", 0, null));
        await(w.write(blob.prefix(100).chunks(30)));

        for (long wrong : new long[] {50, 99, 101, 1000}) {
            ContentException e = awaitError(w.write(wrong, blob.chunks(100, 30)), ErrorCode.OUT_OF_RANGE);
            assertThat(e.currentOffset()).as("currentOffset after a write at %d", wrong).isEqualTo(100);
        }
        assertThat(await(w.status()).offset()).isEqualTo(100);
        assertThat(await(w.digest())).isEqualTo(blob.prefix(100).digest());

        assertThat(await(w.write(100, blob.chunks(100, 30)))).isEqualTo(blob.size());
        assertThat(await(w.digest())).isEqualTo(blob.digest());
        awaitError(w.write(-1, blob.chunks(30)), ErrorCode.INVALID_ARGUMENT);
        assertThat(await(w.commit(blob.size(), blob.digest(), Map.of())).digest()).isEqualTo(blob.digest());
    }

    @Test
    default void resetRacingAnInFlightStreamKeepsNothingOfIt(StoreFixture fx) throws Exception {
        ContentStore store = fx.store();
        for (int round = 0; round < 20; round++) {
            String ref = "race-" + round;
            Blob early = Blob.random(64 * 1024, 600 + round);
            Blob other = Blob.random(10_000 + round, 700 + round);
            Sinks.Many<ByteBuffer> sink = Sinks.many().unicast().onBackpressureBuffer();
            CountDownLatch delivered = new CountDownLatch(2);
            AtomicBoolean cancelled = new AtomicBoolean();
            Flux<ByteBuffer> stream = sink.asFlux()
                    .doOnNext(b -> delivered.countDown())
                    .doOnCancel(() -> cancelled.set(true));

            Writer w = await(store.writer(ref, 0, null));
            CompletableFuture<Long> inFlight = w.write(stream).toFuture();
            early.chunks(16 * 1024).subscribe(sink::tryEmitNext);
            assertThat(delivered.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("round %d: the first stream delivered buffers", round).isTrue();
            awaitError(store.writer(ref, 0, null), ErrorCode.UNAVAILABLE);

            assertThat(await(w.write(0, other.chunks(1000)))).as("round %d: offset after reset", round)
                    .isEqualTo(other.size());
            sink.tryEmitNext(ByteBuffer.wrap(new byte[4096]).asReadOnlyBuffer());
            sink.tryEmitComplete();
            inFlight.handle((v, e) -> null).get(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(cancelled).as("round %d: the first stream is cancelled", round).isTrue();

            assertThat(await(w.status()).offset()).as("round %d", round).isEqualTo(other.size());
            assertThat(await(w.digest())).as("round %d", round).isEqualTo(other.digest());
            Info info = await(w.commit(other.size(), other.digest(), Map.of()));
            assertThat(info.size()).isEqualTo(other.size());
            assertThat(bytes(store.read(other.digest()))).as("round %d: committed content", round)
                    .isEqualTo(other.bytes());
        }
    }

    @Test
    default void resetCancelsAStreamThatNeverCompletes(StoreFixture fx) throws Exception {
        ContentStore store = fx.store();
        Blob early = Blob.random(8192, 801);
        Blob other = Blob.random(5000, 802);
        CountDownLatch delivered = new CountDownLatch(2);
        AtomicBoolean cancelled = new AtomicBoolean();
        Flux<ByteBuffer> stream = Flux.concat(early.chunks(4096), Flux.never())
                .doOnNext(b -> delivered.countDown())
                .doOnCancel(() -> cancelled.set(true));

        Writer w = await(store.writer("never", 0, null));
        CompletableFuture<Long> inFlight = w.write(stream).toFuture();
        assertThat(delivered.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        awaitError(w.write(other.chunks(1000)), ErrorCode.FAILED_PRECONDITION);
        awaitError(store.writer("never", 0, null), ErrorCode.UNAVAILABLE);

        assertThat(await(w.write(0, other.chunks(1000)))).isEqualTo(other.size());
        inFlight.handle((v, e) -> null).get(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(cancelled).as("the never-ending stream is cancelled").isTrue();
        assertThat(await(w.digest())).isEqualTo(other.digest());
        Info info = await(w.commit(0, null, Map.of()));
        assertThat(info.digest()).isEqualTo(other.digest());
        assertThat(bytes(store.read(other.digest()))).isEqualTo(other.bytes());
    }

    @Test
    default void commitWhileAWriteIsInFlightStillEndsTheWriter(StoreFixture fx) throws Exception {
        ContentStore store = fx.store();
        Blob early = Blob.random(8192, 811);
        CountDownLatch delivered = new CountDownLatch(2);
        Flux<ByteBuffer> stream = Flux.concat(early.chunks(4096), Flux.never())
                .doOnNext(b -> delivered.countDown());

        Writer w = await(store.writer("commit-in-flight", 0, null));
        CompletableFuture<Long> inFlight = w.write(stream).toFuture();
        assertThat(delivered.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // Whether the store refuses this commit or commits what has landed is its choice; either way the
        // commit ends the writer and releases the lock, also on error.
        w.commit(0, null, Map.of()).materialize().block(Await.TIMEOUT);
        awaitError(w.status(), ErrorCode.FAILED_PRECONDITION);
        awaitError(w.write(0, early.chunks(4096)), ErrorCode.FAILED_PRECONDITION);
        Writer next = await(store.writer("commit-in-flight", 0, null));
        await(next.close());
        inFlight.handle((v, e) -> null).get(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
