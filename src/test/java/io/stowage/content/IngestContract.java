package io.stowage.content;

import static io.stowage.content.Await.await;
import static io.stowage.content.Await.awaitAll;
import static io.stowage.content.Await.awaitError;
import static io.stowage.content.Await.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writing and reading content: writers with and without predeclared size and digest, status and digest after
 * each partial write, a large blob, reads past the end, info and delete. Part of {@link ContentStoreContract}.
 */
public interface IngestContract extends StoreUnderTest {
    Map<String, String> GC_ROOT = Map.of("containerd.io/gc.root", "2024-01-02T03:04:05Z");

    @Test
    default void severalWritersWithAndWithoutPredeclaredSizeAndDigest(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob c1 = Blob.random(256, 1);
        Blob c2 = Blob.random(256, 2);
        Blob c3 = Blob.random(256, 3);
        Blob c4 = Blob.random(256, 4);
        Writer w1 = await(store.writer("c1", 0, null));
        Writer w2 = await(store.writer("c2", c2.size(), null));
        Writer w3 = await(store.writer("c3", 0, c3.digest()));
        Writer w4 = await(store.writer("c4", c4.size(), c4.digest()));

        record Case(Writer writer, Blob blob) {
        }
        for (Case c : List.of(new Case(w1, c1), new Case(w2, c2), new Case(w3, c3), new Case(w4, c4))) {
            assertThat(await(c.writer().write(c.blob().chunks(32)))).as(c.writer().ref()).isEqualTo(256);
            assertThat(await(c.writer().digest())).as(c.writer().ref()).isEqualTo(c.blob().digest());

            Instant preCommit = Instant.now();
            Info committed = await(c.writer().commit(0, null, GC_ROOT));
            Instant postCommit = Instant.now();

            Info info = await(store.info(c.blob().digest()));
            assertThat(info).isEqualTo(committed);
            assertThat(info.digest()).isEqualTo(c.blob().digest());
            assertThat(info.size()).isEqualTo(256);
            assertThat(info.createdAt()).isBetween(preCommit, postCommit);
            assertThat(info.updatedAt()).isEqualTo(info.createdAt());
            assertThat(info.labels()).isEqualTo(GC_ROOT);
            assertThat(bytes(store.read(c.blob().digest()))).isEqualTo(c.blob().bytes());
        }
    }

    @Test
    default void statusTimestampsAndDigestAfterEachPartialWrite(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob c1 = Blob.random(256, 11);

        Instant preStart = Instant.now();
        Writer w = await(store.writer("c1", 256, c1.digest()));
        Instant postStart = Instant.now();

        assertThat(w.ref()).isEqualTo("c1");
        Status st = await(w.status());
        assertThat(st.ref()).isEqualTo("c1");
        assertThat(st.offset()).isZero();
        assertThat(st.total()).isEqualTo(256);
        assertThat(st.expected()).isEqualTo(c1.digest());
        assertThat(st.startedAt()).isBetween(preStart, postStart);
        assertThat(st.updatedAt()).as("updatedAt of a new ingest").isEqualTo(st.startedAt());
        assertThat(await(w.digest())).isEqualTo(Blob.of(new byte[0]).digest());
        assertThat(await(store.status("c1"))).as("store status of the open ingest").isEqualTo(st);

        Instant startedAt = st.startedAt();
        Instant previousUpdate = st.updatedAt();
        int[][] parts = {{0, 64}, {64, 192}, {192, 256}};
        for (int[] part : parts) {
            Instant preUpdate = Instant.now();
            long offset = await(w.write(c1.slice(part[0], part[1]).chunks(16)));
            Instant postUpdate = Instant.now();

            assertThat(offset).isEqualTo(part[1]);
            st = await(w.status());
            assertThat(st.offset()).isEqualTo(part[1]);
            assertThat(st.total()).isEqualTo(256);
            assertThat(st.expected()).isEqualTo(c1.digest());
            assertThat(st.startedAt()).as("startedAt after a write").isEqualTo(startedAt);
            assertThat(st.updatedAt()).as("updatedAt after writing up to %d", part[1])
                    .isBetween(preUpdate, postUpdate).isAfter(previousUpdate);
            assertThat(await(w.digest())).as("digest after writing up to %d", part[1])
                    .isEqualTo(c1.prefix(part[1]).digest());
            assertThat(await(store.status("c1"))).isEqualTo(st);
            previousUpdate = st.updatedAt();
        }
        assertThat(await(w.digest())).isEqualTo(c1.digest());

        Instant preCommit = Instant.now();
        Info info = await(w.commit(0, null, GC_ROOT));
        Instant postCommit = Instant.now();
        assertThat(info.digest()).isEqualTo(c1.digest());
        assertThat(info.size()).isEqualTo(256);
        assertThat(info.createdAt()).isBetween(preCommit, postCommit);
        assertThat(info.updatedAt()).isEqualTo(info.createdAt());
        assertThat(info.labels()).isEqualTo(GC_ROOT);
        awaitError(store.status("c1"), ErrorCode.NOT_FOUND);
    }

    @Test
    default void blobsOf256BytesAnd32MiBAreCommittedAndReadBack(StoreFixture fx) {
        ContentStore store = fx.store();
        for (Blob blob : List.of(Blob.random(256, 21), Blob.random(32 << 20, 22))) {
            Writer w = await(store.writer("blob-" + blob.size(), blob.size(), blob.digest()));
            assertThat(await(w.write(blob.chunks(64 * 1024 + 7)))).isEqualTo(blob.size());
            Info info = await(w.commit(blob.size(), blob.digest(), Map.of()));
            assertThat(info.digest()).isEqualTo(blob.digest());
            assertThat(info.size()).isEqualTo(blob.size());

            Await.Digested read = Await.digested(store.read(blob.digest()));
            assertThat(read.size()).isEqualTo(blob.size());
            assertThat(read.digest()).isEqualTo(blob.digest());

            int from = blob.size() / 3;
            int len = blob.size() / 2 + 5;
            assertThat(bytes(store.read(blob.digest(), from, len)))
                    .as("read(%d, %d) of %s", from, len, blob)
                    .isEqualTo(blob.slice(from, from + len).bytes());
        }
    }

    @Test
    default void smallBlobReadsPastTheEndEndEarly(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob foobar = Blob.of("foobar");
        Writer w = await(store.writer("small", foobar.size(), foobar.digest()));
        await(w.write(foobar.chunks(100)));
        await(w.commit(foobar.size(), foobar.digest(), Map.of()));
        Digest d = foobar.digest();

        assertThat(new String(bytes(store.read(d, 0, foobar.size() + 1)))).isEqualTo("foobar");
        assertThat(new String(bytes(store.read(d)))).isEqualTo("foobar");
        assertThat(new String(bytes(store.read(d, 0, -1)))).isEqualTo("foobar");
        assertThat(new String(bytes(store.read(d, 3, 100)))).isEqualTo("bar");
        assertThat(new String(bytes(store.read(d, 2, 2)))).isEqualTo("ob");
        assertThat(new String(bytes(store.read(d, 5, 1)))).isEqualTo("r");
        assertThat(bytes(store.read(d, 6, 10))).as("read at the end").isEmpty();
        assertThat(bytes(store.read(d, 100, 10))).as("read beyond the end").isEmpty();
        assertThat(bytes(store.read(d, 1, 0))).as("read of length 0").isEmpty();
        awaitError(store.read(d, -1, 3), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    default void theExpectedDigestsAlgorithmIsUsedForHashing(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(5000, 31).digestedWith(Digest.SHA512);
        Writer w = await(store.writer("sha512", blob.size(), blob.digest()));
        await(w.write(blob.chunks(999)));
        assertThat(await(w.digest())).isEqualTo(blob.digest());
        Info info = await(w.commit(0, null, Map.of()));
        assertThat(info.digest()).isEqualTo(blob.digest());
        assertThat(info.digest().algorithm()).isEqualTo(Digest.SHA512);
        assertThat(bytes(store.read(blob.digest()))).isEqualTo(blob.bytes());
        assertThat(await(store.info(blob.digest())).size()).isEqualTo(blob.size());
    }

    @Test
    default void emptyIngestCommitsTheEmptyBlob(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob empty = Blob.of(new byte[0]);
        Writer w = await(store.writer("empty", 0, null));
        assertThat(await(w.write(Flux.empty()))).isZero();
        Info info = await(w.commit(0, null, Map.of()));
        assertThat(info.digest()).isEqualTo(empty.digest());
        assertThat(info.size()).isZero();
        assertThat(bytes(store.read(empty.digest()))).isEmpty();
    }

    @Test
    default void statusOfOpenAndClosedIngestsAndListStatuses(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob a = Blob.random(1000, 41);
        Writer open = await(store.writer("open", 0, null));
        await(open.write(a.chunks(100)));
        Writer closed = await(store.writer("closed", 5000, a.digest()));
        await(closed.write(a.prefix(300).chunks(100)));
        Status closedStatus = await(closed.status());
        await(closed.close());

        Status st = await(store.status("open"));
        assertThat(st).isEqualTo(await(open.status()));
        assertThat(st.offset()).isEqualTo(1000);
        assertThat(st.total()).isZero();
        assertThat(st.expected()).isNull();
        Status cst = await(store.status("closed"));
        assertThat(cst.offset()).isEqualTo(300);
        assertThat(cst.total()).isEqualTo(5000);
        assertThat(cst.expected()).isEqualTo(a.digest());
        assertThat(cst.startedAt()).isEqualTo(closedStatus.startedAt());
        assertThat(cst.updatedAt()).isEqualTo(closedStatus.updatedAt());

        assertThat(awaitAll(store.listStatuses())).extracting(Status::ref)
                .containsExactlyInAnyOrder("open", "closed");
        awaitError(store.status("never-written"), ErrorCode.NOT_FOUND);
        assertThat(awaitAll(store.walk())).as("incomplete ingests are not content").isEmpty();
        awaitError(store.info(a.digest()), ErrorCode.NOT_FOUND);
        await(open.close());
    }

    @Test
    default void infoAndReadOfUnknownContentAreNotFound(StoreFixture fx) {
        ContentStore store = fx.store();
        Digest unknown = Blob.of("nobody wrote this").digest();
        awaitError(store.info(unknown), ErrorCode.NOT_FOUND);
        awaitError(store.read(unknown), ErrorCode.NOT_FOUND);
        awaitError(store.read(unknown, 10, 10), ErrorCode.NOT_FOUND);
        awaitError(store.delete(unknown), ErrorCode.NOT_FOUND);
        awaitError(store.update(Info.ofLabels(unknown, Map.of("a", "b"))), ErrorCode.NOT_FOUND);
    }

    @Test
    default void deleteRemovesContentAndItCanBeWrittenAgain(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(3000, 51);
        Blob other = Blob.random(3000, 52);
        Ingests.writeBlob(store, "blob", BlobSource.stream(() -> blob.chunks(1000)), blob.descriptor(),
                Map.of("a", "1")).block(Await.TIMEOUT);
        Ingests.writeBlob(store, "other", BlobSource.stream(() -> other.chunks(1000)), other.descriptor(),
                Map.of()).block(Await.TIMEOUT);

        await(store.delete(blob.digest()));
        awaitError(store.info(blob.digest()), ErrorCode.NOT_FOUND);
        awaitError(store.read(blob.digest()), ErrorCode.NOT_FOUND);
        assertThat(awaitAll(store.walk())).extracting(Info::digest).containsExactly(other.digest());
        awaitError(store.delete(blob.digest()), ErrorCode.NOT_FOUND);
        assertThat(bytes(store.read(other.digest()))).isEqualTo(other.bytes());

        Writer w = await(store.writer("again", blob.size(), blob.digest()));
        await(w.write(blob.chunks(1000)));
        Info info = await(w.commit(0, null, Map.of()));
        assertThat(info.labels()).as("labels of deleted content are gone").isEmpty();
        assertThat(bytes(store.read(blob.digest()))).isEqualTo(blob.bytes());
    }

    @Test
    default void badRefsAndNegativeTotalsAreInvalidArguments(StoreFixture fx) {
        ContentStore store = fx.store();
        awaitError(store.writer("", 0, null), ErrorCode.INVALID_ARGUMENT);
        awaitError(store.writer("nul\0ref", 0, null), ErrorCode.INVALID_ARGUMENT);
        awaitError(store.writer("x".repeat(Refs.MAX_REF_BYTES + 1), 0, null),
                ErrorCode.INVALID_ARGUMENT);
        awaitError(store.writer("negative", -1, null), ErrorCode.INVALID_ARGUMENT);
        awaitError(store.status(""), ErrorCode.INVALID_ARGUMENT);
        // the longest valid ref works
        Writer w = await(store.writer("r".repeat(Refs.MAX_REF_BYTES), 0, null));
        await(w.write(Mono.just(ByteBuffer.wrap(new byte[] {1, 2, 3}))));
        assertThat(await(store.status("r".repeat(Refs.MAX_REF_BYTES))).offset()).isEqualTo(3);
        await(w.close());
    }

    @Test
    default void sixtyFourConcurrentIngestsOfDistinctRefs(StoreFixture fx) {
        ContentStore store = fx.store();
        List<Blob> blobs = Flux.range(0, 64).map(i -> Blob.random(64 * 1024 + i * 101, 1000 + i)).collectList()
                .block(Await.TIMEOUT);
        List<Info> infos = awaitAll(Flux.range(0, 64).flatMap(i -> {
            Blob b = blobs.get(i);
            return store.writer("concurrent-" + i, b.size(), i % 2 == 0 ? b.digest() : null)
                    .flatMap(w -> w.write(b.chunks(4096)).then(w.commit(b.size(), b.digest(), Map.of("i", "" + i))));
        }, 64));

        assertThat(infos).hasSize(64);
        for (int i = 0; i < 64; i++) {
            Blob b = blobs.get(i);
            Info info = await(store.info(b.digest()));
            assertThat(info.size()).isEqualTo(b.size());
            assertThat(info.labels()).containsExactly(Map.entry("i", "" + i));
            Await.Digested read = Await.digested(store.read(b.digest()));
            assertThat(read.digest()).isEqualTo(b.digest());
            assertThat(read.size()).isEqualTo(b.size());
        }
        assertThat(awaitAll(store.walk())).hasSize(64);
        assertThat(awaitAll(store.listStatuses())).isEmpty();
    }

    @Test
    default void aFailingSourceKeepsWhatLandedAndTheWriterStaysUsable(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(5000, 61);
        IllegalStateException boom = new IllegalStateException("source failed");
        Writer w = await(store.writer("failing-source", blob.size(), blob.digest()));

        Throwable error = w.write(Flux.concat(blob.prefix(3000).chunks(1000), Flux.error(boom)))
                .materialize().block(Await.TIMEOUT).getThrowable();
        assertThat(error).as("the write fails with the source's error").isNotNull();
        assertThat(error == boom || error.getCause() == boom || error.getMessage().contains("source failed"))
                .as("%s reports the source's error", error).isTrue();

        Status st = await(w.status());
        assertThat(st.offset()).as("whole buffers land").isIn(0L, 1000L, 2000L, 3000L);
        assertThat(await(w.digest())).as("digest of what landed").isEqualTo(blob.prefix((int) st.offset()).digest());
        awaitError(store.writer("failing-source", 0, null), ErrorCode.UNAVAILABLE);
        assertThat(await(w.write(st.offset(), blob.chunks((int) st.offset(), 1000)))).isEqualTo(blob.size());
        assertThat(await(w.commit(0, null, Map.of())).digest()).isEqualTo(blob.digest());
        assertThat(bytes(store.read(blob.digest()))).isEqualTo(blob.bytes());
    }
}
