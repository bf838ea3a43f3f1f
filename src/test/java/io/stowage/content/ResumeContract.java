package io.stowage.content;

import static io.stowage.content.Await.await;
import static io.stowage.content.Await.awaitAll;
import static io.stowage.content.Await.awaitError;
import static io.stowage.content.Await.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Resume: an ingest closed at 0/10/50/90/100 % of 500 B, 5 kB and 50 kB blobs, reopened and finished by
 * truncating, by continuing, and by {@link Ingests#writeBlob} with a seekable and with a stream source; a
 * different total; a restart of the store mid-ingest. Part of {@link ContentStoreContract}.
 */
public interface ResumeContract extends StoreUnderTest {

    /** Finishes a reopened ingest that holds the first {@code written} bytes of {@code blob}, committing it. */
    @FunctionalInterface
    interface Finish {
        void finish(ContentStore store, Writer reopened, Blob blob, int written);
    }

    private static void checkResume(ContentStore store, String name, Finish finish) {
        long seed = 200;
        for (int size : new int[] {500, 5_000, 50_000}) {
            for (double fraction : new double[] {0.0, 0.1, 0.5, 0.9, 1.0}) {
                Blob blob = Blob.random(size, seed++);
                int limit = (int) (size * fraction);
                String ref = name + "-" + size + "-" + limit;
                String at = ref + ": ";

                Writer w = await(store.writer(ref, size, blob.digest()));
                await(w.write(blob.prefix(limit).chunks(97)));
                Status beforeClose = await(w.status());
                await(w.close());

                Writer reopened = await(store.writer(ref, size, blob.digest()));
                Status st = await(reopened.status());
                assertThat(st.offset()).as(at + "offset after reopen").isEqualTo(limit);
                assertThat(st.total()).as(at + "total after reopen").isEqualTo(size);
                assertThat(st.expected()).as(at + "expected after reopen").isEqualTo(blob.digest());
                assertThat(st.startedAt()).as(at + "startedAt after reopen").isEqualTo(beforeClose.startedAt());
                assertThat(st.updatedAt()).as(at + "updatedAt after reopen").isEqualTo(beforeClose.updatedAt());
                assertThat(await(reopened.digest())).as(at + "digest after reopen")
                        .isEqualTo(blob.prefix(limit).digest());

                Instant preCommit = Instant.now();
                finish.finish(store, reopened, blob, limit);
                Instant postCommit = Instant.now();
                await(reopened.close());

                Info info = await(store.info(blob.digest()));
                assertThat(info.digest()).as(at + "digest").isEqualTo(blob.digest());
                assertThat(info.size()).as(at + "size").isEqualTo(size);
                assertThat(info.createdAt()).as(at + "createdAt").isBetween(preCommit, postCommit);
                assertThat(info.updatedAt()).as(at + "updatedAt").isEqualTo(info.createdAt());
                assertThat(bytes(store.read(blob.digest()))).as(at + "content").isEqualTo(blob.bytes());
                awaitError(store.status(ref), ErrorCode.NOT_FOUND);
            }
        }
    }

    @Test
    default void resumeByTruncating(StoreFixture fx) {
        checkResume(fx.store(), "truncate", (store, w, blob, written) -> {
            await(w.truncate(0));
            assertThat(await(w.status()).offset()).isZero();
            await(w.write(blob.chunks(1024)));
            await(w.commit(blob.size(), blob.digest(), Map.of()));
        });
    }

    @Test
    default void resumeByContinuing(StoreFixture fx) {
        checkResume(fx.store(), "continue", (store, w, blob, written) -> {
            assertThat(await(w.write(blob.chunks(written, 1024)))).isEqualTo(blob.size());
            await(w.commit(blob.size(), blob.digest(), Map.of()));
        });
    }

    @Test
    default void resumeByWriteBlobWithASeekableSource(StoreFixture fx) {
        checkResume(fx.store(), "seekable", (store, w, blob, written) -> {
            await(w.close());
            List<Long> opened = new CopyOnWriteArrayList<>();
            BlobSource source = BlobSource.seekable(offset -> {
                opened.add(offset);
                return blob.chunks((int) offset, 1024);
            });
            Ingests.writeBlob(store, w.ref(), source, blob.descriptor(), Map.of()).block(Await.TIMEOUT);
            assertThat(opened).as("offsets the source was opened at").containsExactly((long) written);
        });
    }

    @Test
    default void resumeByWriteBlobWithAStreamSource(StoreFixture fx) {
        checkResume(fx.store(), "stream", (store, w, blob, written) -> {
            await(w.close());
            AtomicInteger opened = new AtomicInteger();
            BlobSource source = BlobSource.stream(() -> {
                opened.incrementAndGet();
                return blob.chunks(1024);
            });
            Ingests.writeBlob(store, w.ref(), source, blob.descriptor(), Map.of()).block(Await.TIMEOUT);
            assertThat(opened).as("times the stream was opened").hasValue(1);
        });
    }

    @Test
    default void writeBlobOfExistingContentDoesNotReadTheSource(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(4000, 301);
        Ingests.writeBlob(store, "first", BlobSource.stream(() -> blob.chunks(1000)), blob.descriptor(),
                Map.of("a", "1")).block(Await.TIMEOUT);
        Info before = await(store.info(blob.digest()));

        AtomicInteger opened = new AtomicInteger();
        Ingests.writeBlob(store, "second", BlobSource.stream(() -> {
            opened.incrementAndGet();
            return blob.chunks(1000);
        }), blob.descriptor(), Map.of("b", "2")).block(Await.TIMEOUT);
        assertThat(opened).hasValue(0);
        assertThat(await(store.info(blob.digest()))).isEqualTo(before);
        awaitError(store.status("second"), ErrorCode.NOT_FOUND);
    }

    @Test
    default void writeBlobOfBytesNotMatchingTheDescriptorFails(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(4000, 311);
        Blob other = Blob.random(4000, 312);
        awaitError(Ingests.writeBlob(store, "mismatch", BlobSource.stream(() -> other.chunks(1000)),
                blob.descriptor(), Map.of()), ErrorCode.FAILED_PRECONDITION);
        awaitError(store.info(blob.digest()), ErrorCode.NOT_FOUND);
        awaitError(store.info(other.digest()), ErrorCode.NOT_FOUND);
        Writer w = await(store.writer("mismatch", 0, null));
        await(w.close());
    }

    @Test
    default void reopeningWithADifferentTotalRestartsFromZero(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(1000, 321);
        Writer w = await(store.writer("total", 1000, null));
        await(w.write(blob.prefix(400).chunks(100)));
        Status first = await(w.status());
        await(w.close());

        Writer same = await(store.writer("total", 0, null));
        assertThat(await(same.status()).offset()).as("total 0 means unknown: resumes").isEqualTo(400);
        assertThat(await(same.status()).total()).isEqualTo(1000);
        await(same.close());

        Blob other = Blob.random(2000, 322);
        Writer w2 = await(store.writer("total", 2000, other.digest()));
        Status st = await(w2.status());
        assertThat(st.offset()).isZero();
        assertThat(st.total()).isEqualTo(2000);
        assertThat(st.expected()).isEqualTo(other.digest());
        assertThat(st.startedAt()).isAfterOrEqualTo(first.startedAt());
        assertThat(st.updatedAt()).isEqualTo(st.startedAt());
        assertThat(await(w2.digest())).isEqualTo(Blob.of(new byte[0]).digest());
        await(w2.write(other.chunks(300)));
        assertThat(await(w2.commit(0, null, Map.of())).digest()).isEqualTo(other.digest());
        assertThat(bytes(store.read(other.digest()))).isEqualTo(other.bytes());
    }

    @Test
    default void restartOfTheStoreMidIngest(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(50_000, 331);
        Blob idle = Blob.random(5_000, 332);
        Writer w = await(store.writer("mid", blob.size(), blob.digest()));
        await(w.write(blob.prefix(20_000).chunks(4096)));
        Status before = await(w.status());
        Writer closed = await(store.writer("closed-before", 0, null));
        await(closed.write(idle.prefix(1234).chunks(100)));
        await(closed.close());

        store = fx.restart();

        awaitError(w.status(), ErrorCode.FAILED_PRECONDITION);
        assertThat(awaitAll(store.listStatuses())).extracting(Status::ref)
                .containsExactlyInAnyOrder("mid", "closed-before");
        Status listed = await(store.status("mid"));
        assertThat(listed.offset()).isEqualTo(20_000);
        assertThat(listed.total()).isEqualTo(blob.size());
        assertThat(listed.expected()).isEqualTo(blob.digest());
        assertThat(listed.startedAt()).isEqualTo(before.startedAt());

        Writer resumed = await(store.writer("mid", 0, null));
        Status st = await(resumed.status());
        assertThat(st.offset()).isEqualTo(20_000);
        assertThat(st.total()).isEqualTo(blob.size());
        assertThat(st.expected()).isEqualTo(blob.digest());
        assertThat(st.startedAt()).isEqualTo(before.startedAt());
        assertThat(st.updatedAt()).isAfterOrEqualTo(st.startedAt());
        assertThat(await(resumed.digest())).isEqualTo(blob.prefix(20_000).digest());
        assertThat(await(resumed.write(20_000, blob.chunks(20_000, 4096)))).isEqualTo(blob.size());
        Info info = await(resumed.commit(0, null, Map.of("after", "restart")));
        assertThat(info.digest()).isEqualTo(blob.digest());
        assertThat(Await.digested(store.read(blob.digest())).digest()).isEqualTo(blob.digest());

        Writer other = await(store.writer("closed-before", 0, null));
        assertThat(await(other.status()).offset()).isEqualTo(1234);
        assertThat(await(other.digest())).isEqualTo(idle.prefix(1234).digest());
        await(other.close());
    }

    @Test
    default void committedContentSurvivesARestart(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(10_000, 341);
        Ingests.writeBlob(store, "kept", BlobSource.stream(() -> blob.chunks(999)), blob.descriptor(),
                Map.of("k", "v")).block(Await.TIMEOUT);
        Info updated = await(store.update(Info.ofLabels(blob.digest(), Map.of("k", "w", "x", "y"))));

        store = fx.restart();

        assertThat(await(store.info(blob.digest()))).isEqualTo(updated);
        assertThat(bytes(store.read(blob.digest()))).isEqualTo(blob.bytes());
        assertThat(awaitAll(store.walk(List.of("labels.x==y")))).extracting(Info::digest)
                .containsExactly(blob.digest());
        assertThat(awaitAll(store.listStatuses())).isEmpty();
    }
}
