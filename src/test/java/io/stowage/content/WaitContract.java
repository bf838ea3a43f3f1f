package io.stowage.content;

import static io.stowage.content.Await.await;
import static io.stowage.content.Await.awaitError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Waiting without failing: {@link Ingester#writer(String, long, Digest, Duration)} waits for a locked ref (bounded
 * by its deadline) and is woken when the lock is released; without a wait a locked ref still fails at once
 * ({@link LockContract}). Part of {@link ContentStoreContract}.
 */
public interface WaitContract extends StoreUnderTest {
    Duration LONG = Duration.ofSeconds(30);

    @Test
    default void writerWithAWaitIsWokenWhenTheLockIsReleased(StoreFixture fx) throws Exception {
        ContentStore store = fx.store();
        Blob blob = Blob.random(2000, 501);
        Writer first = await(store.writer("waited", blob.size(), blob.digest()));
        await(first.write(blob.prefix(700).chunks(100)));

        CompletableFuture<Writer> waiting = store.writer("waited", blob.size(), blob.digest(), LONG).toFuture();
        awaitError(store.writer("waited", 0, null), ErrorCode.UNAVAILABLE);
        assertThat(waiting).as("a writer waiting for a locked ref").isNotDone();

        await(first.close());
        Writer second = waiting.get(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(await(second.status()).offset()).as("the woken writer resumes the ingest").isEqualTo(700);
        awaitError(store.writer("waited", 0, null), ErrorCode.UNAVAILABLE);
        await(second.write(blob.chunks(700, 100)));
        assertThat(await(second.commit(0, null, Map.of())).digest()).isEqualTo(blob.digest());
    }

    @Test
    default void writerWithAWaitGivesUpWithUnavailableAtItsDeadline(StoreFixture fx) {
        ContentStore store = fx.store();
        Writer first = await(store.writer("held", 0, null));
        await(first.write(Mono.just(ByteBuffer.wrap(new byte[] {1, 2}))));

        ContentException e = awaitError(store.writer("held", 0, null, Duration.ofMillis(200)), ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("held").contains("still locked after waiting 200ms").contains("since");
        assertThat(await(first.status()).offset()).as("the holder is untouched").isEqualTo(2);

        await(first.close());
        Writer next = await(store.writer("held", 0, null, LONG));
        assertThat(await(next.status()).offset()).isEqualTo(2);
        await(next.close());
    }

    @Test
    default void writerWithAWaitTakesAFreeRefAtOnce(StoreFixture fx) {
        ContentStore store = fx.store();
        Writer w = await(store.writer("free", 0, null, LONG));
        assertThat(await(w.status()).offset()).isZero();
        await(w.close());
        Writer zeroWait = await(store.writer("free", 0, null, Duration.ZERO));
        awaitError(store.writer("free", 0, null, Duration.ZERO), ErrorCode.UNAVAILABLE);
        await(zeroWait.close());
    }

    @Test
    default void writerWithAWaitStillReportsOtherErrors(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(300, 503);
        Writer w = await(store.writer("done", blob.size(), blob.digest()));
        await(w.write(blob.chunks(100)));
        await(w.commit(0, null, Map.of()));
        awaitError(store.writer("again", blob.size(), blob.digest(), LONG), ErrorCode.ALREADY_EXISTS);
        awaitError(store.writer("", 0, null, LONG), ErrorCode.INVALID_ARGUMENT);
        awaitError(store.writer("negative", -1, null, LONG), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    default void cancelledWaitDoesNotTakeTheLock(StoreFixture fx) {
        ContentStore store = fx.store();
        Writer first = await(store.writer("cancel-wait", 0, null));
        Disposable waiter = store.writer("cancel-wait", 0, null, LONG).subscribe(w -> w.close().subscribe());
        awaitError(store.writer("cancel-wait", 0, null), ErrorCode.UNAVAILABLE);
        waiter.dispose();
        await(first.close());

        Writer next = await(store.writer("cancel-wait", 0, null, LONG));
        await(next.close());
    }

    @Test
    default void manyWaitersEachGetTheLockInTurn(StoreFixture fx) {
        ContentStore store = fx.store();
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        Writer first = await(store.writer("queue", 0, null));
        CompletableFuture<List<Long>> all = Flux.range(0, 16)
                .flatMap(i -> store.writer("queue", 0, null, LONG).flatMap(w -> {
                    maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                    return w.write(Mono.just(ByteBuffer.wrap(new byte[] {i.byteValue()})))
                            .doOnNext(offset -> holders.decrementAndGet())
                            .flatMap(offset -> w.close().thenReturn(offset));
                }), 16)
                .collectList().toFuture();
        awaitError(store.writer("queue", 0, null), ErrorCode.UNAVAILABLE);
        assertThat(all).isNotDone();
        await(first.close());

        List<Long> offsets = await(Mono.fromFuture(all));
        assertThat(offsets).as("each waiter appended one byte in turn, none failed")
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 16).boxed().toList());
        assertThat(maxHolders).as("writers holding the ref at once").hasValue(1);
    }
}
