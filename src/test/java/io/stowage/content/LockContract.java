package io.stowage.content;

import static io.stowage.content.Await.await;
import static io.stowage.content.Await.awaitAll;
import static io.stowage.content.Await.awaitError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
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
 * Ref locks: one open writer per ref, {@link Ingests#openWriter} waiting for the lock, and abort ending an
 * ingest and its open writer. Part of {@link ContentStoreContract}.
 */
public interface LockContract extends StoreUnderTest {

    @Test
    default void secondWriterOfALockedRefIsUnavailableAndSaysSinceWhen(StoreFixture fx) {
        ContentStore store = fx.store();
        Writer first = await(store.writer("locked", 0, null));
        await(first.write(Mono.just(ByteBuffer.wrap(new byte[] {1, 2, 3}))));

        ContentException e = awaitError(store.writer("locked", 0, null), ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("locked").contains("since");
        awaitError(store.writer("locked", 100, Blob.random(100, 1).digest()), ErrorCode.UNAVAILABLE);

        Writer other = await(store.writer("another-ref", 0, null));
        await(other.close());
        assertThat(await(store.status("locked")).offset()).as("status of a locked ref").isEqualTo(3);
        assertThat(await(first.status()).offset()).as("the holder is untouched").isEqualTo(3);

        await(first.close());
        await(first.close());
        awaitError(first.write(Mono.just(ByteBuffer.wrap(new byte[] {4}))), ErrorCode.FAILED_PRECONDITION);
        awaitError(first.status(), ErrorCode.FAILED_PRECONDITION);
        Writer second = await(store.writer("locked", 0, null));
        assertThat(await(second.status()).offset()).isEqualTo(3);
        await(second.close());
    }

    @Test
    default void openWriterWaitsForTheLockAndIsWokenWhenItIsReleased(StoreFixture fx) throws Exception {
        ContentStore store = fx.store();
        Blob blob = Blob.random(2000, 401);
        Writer first = await(store.writer("shared", blob.size(), blob.digest()));
        await(first.write(blob.prefix(500).chunks(100)));

        CompletableFuture<Writer> waiting = Ingests.openWriter(store, "shared", blob.size(), blob.digest()).toFuture();
        awaitError(store.writer("shared", 0, null), ErrorCode.UNAVAILABLE);
        assertThat(waiting).as("openWriter while the ref is locked").isNotDone();

        await(first.close());
        Writer second = waiting.get(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(await(second.status()).offset()).as("the waiter resumes the ingest").isEqualTo(500);
        awaitError(store.writer("shared", 0, null), ErrorCode.UNAVAILABLE);
        await(second.write(blob.chunks(500, 100)));
        assertThat(await(second.commit(0, null, Map.of())).digest()).isEqualTo(blob.digest());
    }

    @Test
    default void manyWaitersOfOneRefEachGetTheLockInTurn(StoreFixture fx) {
        ContentStore store = fx.store();
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        Writer first = await(store.writer("contended", 0, null));
        CompletableFuture<List<Long>> all = Flux.range(0, 16)
                .flatMap(i -> Ingests.openWriter(store, "contended", 0, null).flatMap(w -> {
                    maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                    return w.write(Mono.just(ByteBuffer.wrap(new byte[] {i.byteValue()})))
                            .doOnNext(offset -> holders.decrementAndGet())
                            .flatMap(offset -> w.close().thenReturn(offset));
                }), 16)
                .collectList().toFuture();
        assertThat(all).isNotDone();
        await(first.close());

        List<Long> offsets = await(Mono.fromFuture(all));
        assertThat(offsets).as("each waiter appended one byte in turn")
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 16).boxed().toList());
        assertThat(maxHolders).as("writers holding the ref at once").hasValue(1);
        assertThat(await(store.status("contended")).offset()).isEqualTo(16);
    }

    @Test
    default void cancelledOpenWriterDoesNotTakeTheLock(StoreFixture fx) {
        ContentStore store = fx.store();
        Writer first = await(store.writer("cancelled", 0, null));
        Disposable waiter = Ingests.openWriter(store, "cancelled", 0, null).subscribe();
        awaitError(store.writer("cancelled", 0, null), ErrorCode.UNAVAILABLE);
        waiter.dispose();
        await(first.close());

        Writer next = await(store.writer("cancelled", 0, null));
        await(next.close());
    }

    @Test
    default void abortOfAnUnknownRefIsNotFound(StoreFixture fx) {
        awaitError(fx.store().abort("no-such-ref"), ErrorCode.NOT_FOUND);
    }

    @Test
    default void abortRemovesAClosedIngest(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(1000, 411);
        Writer w = await(store.writer("to-abort", blob.size(), blob.digest()));
        await(w.write(blob.prefix(600).chunks(100)));
        await(w.close());

        await(store.abort("to-abort"));
        awaitError(store.status("to-abort"), ErrorCode.NOT_FOUND);
        assertThat(awaitAll(store.listStatuses())).isEmpty();
        awaitError(store.abort("to-abort"), ErrorCode.NOT_FOUND);

        Writer again = await(store.writer("to-abort", 0, null));
        Status st = await(again.status());
        assertThat(st.offset()).isZero();
        assertThat(st.total()).isZero();
        assertThat(st.expected()).isNull();
        await(again.close());
    }

    @Test
    default void abortEndsAnOpenWriter(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(1000, 421);
        Writer w = await(store.writer("open-abort", 0, null));
        await(w.write(blob.prefix(300).chunks(100)));

        await(store.abort("open-abort"));
        awaitError(store.status("open-abort"), ErrorCode.NOT_FOUND);
        awaitError(w.write(blob.chunks(300, 100)), ErrorCode.FAILED_PRECONDITION);
        awaitError(w.write(0, blob.chunks(100)), ErrorCode.FAILED_PRECONDITION);
        awaitError(w.status(), ErrorCode.FAILED_PRECONDITION);
        awaitError(w.digest(), ErrorCode.FAILED_PRECONDITION);
        awaitError(w.commit(0, null, Map.of()), ErrorCode.FAILED_PRECONDITION);
        awaitError(store.info(blob.prefix(300).digest()), ErrorCode.NOT_FOUND);

        Writer next = await(store.writer("open-abort", 0, null));
        assertThat(await(next.status()).offset()).isZero();
        await(w.close());
        awaitError(store.writer("open-abort", 0, null), ErrorCode.UNAVAILABLE);
        await(next.close());
    }
}
