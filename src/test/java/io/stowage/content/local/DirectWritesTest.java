package io.stowage.content.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Writer;
import io.stowage.metadata.MetadataDb;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Ingest data written past the page cache ({@link DirectWrites}): whole blocks direct, the partial last block
 * buffered. Whatever the piece sizes, resumes and resets, the data file holds exactly the bytes landed.
 */
class DirectWritesTest {
    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path root;

    private LocalContentStore store;
    private MetadataDb db;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** The store as the server opens it: direct writes asked for. */
    private LocalContentStore openDirect() {
        if (db == null) {
            db = MetadataDb.open(root.resolve("metadata.db"));
        }
        return LocalContentStore.open(root, Schedulers.boundedElastic(), db, false, true);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** {@code data} cut into pieces of the given sizes (the last one takes the rest). */
    private static List<ByteBuffer> pieces(byte[] data, int from, int to, int... sizes) {
        List<ByteBuffer> out = new ArrayList<>();
        int at = from;
        for (int i = 0; at < to; i++) {
            int n = i < sizes.length ? Math.min(sizes[i], to - at) : to - at;
            out.add(ByteBuffer.wrap(data, at, n));
            at += n;
        }
        return out;
    }

    private Path dataFile(String ref) {
        return new BlobPaths(root.toAbsolutePath()).ingestDir(ref).resolve(IngestFiles.DATA);
    }

    @Test
    void onlyAStoreOpenedForThemWritesDirect() {
        assertThat(DirectWrites.probe(root, false).enabled()).isFalse();
        assertThat(DirectWrites.probe(root, false).block()).isZero();
        store = LocalContentStore.open(root);
        assertThat(store.writesDirect()).isFalse();
    }

    @Test
    void piecesOfEverySizeLandIntactAndTheFileAlwaysHoldsWhatStatusSays() throws Exception {
        store = openDirect();
        Random r = new Random(7);
        int[] sizes = new int[120];
        int[] special = {1, 4095, 4096, 4097, 8192, 65536, 65537, 1 << 20, (1 << 20) + 1, (1 << 20) + 4096,
                3 << 20, 511, 100_000};
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = i % 3 == 0 ? special[(i / 3) % special.length] : 1 + r.nextInt(1_200_000);
        }
        int total = Arrays.stream(sizes).sum();
        byte[] data = random(total, 8);
        Writer w = store.writer("pieces", total, Digest.sha256(data)).block(T);
        int at = 0;
        for (ByteBuffer piece : pieces(data, 0, total, sizes)) {
            at += piece.remaining();
            long offset = w.write(Flux.just(piece)).block(T);
            assertThat(offset).isEqualTo(at);
            byte[] onDisk = Files.readAllBytes(dataFile("pieces"));
            assertThat(onDisk.length).isEqualTo(at);
            assertThat(Arrays.equals(onDisk, 0, at, data, 0, at)).as("file content after %d bytes", at).isTrue();
        }
        Info info = w.commit(0, null, Map.of()).block(T);
        assertThat(info.size()).isEqualTo(total);
        assertThat(store.blobFile(info.digest())).hasBinaryContent(data);
    }

    @Test
    void aResumeAtAnUnalignedOffsetContinuesIntact() throws Exception {
        store = openDirect();
        byte[] data = random(6 << 20, 9);
        Writer w = store.writer("resume", 0, null).block(T);
        w.write(Flux.fromIterable(pieces(data, 0, 1_000_003, 300_000, 700_003))).block(T);
        w.close().block(T);

        // a new writer does not know the partial block: a piece smaller than it, then large ones
        w = store.writer("resume", 0, null).block(T);
        w.write(Flux.fromIterable(pieces(data, 1_000_003, 3_000_000, 10, 1 << 20, 5000))).block(T);
        w.close().block(T);

        // a new process: nothing remembered
        store.close();
        store = openDirect();
        w = store.writer("resume", 0, null).block(T);
        assertThat(w.status().block(T).offset()).isEqualTo(3_000_000);
        w.write(Flux.fromIterable(pieces(data, 3_000_000, data.length, 1 << 20, 1 << 20, 77, 1 << 20))).block(T);
        Info info = w.commit(data.length, Digest.sha256(data), Map.of()).block(T);
        assertThat(store.blobFile(info.digest())).hasBinaryContent(data);
    }

    @Test
    void aResetAfterDirectWritesStartsFromAnEmptyFile() throws Exception {
        store = openDirect();
        byte[] first = random(3 << 20, 10);
        byte[] second = random((2 << 20) + 12_345, 11);
        Writer w = store.writer("reset", 0, null).block(T);
        w.write(Flux.fromIterable(pieces(first, 0, first.length, 1 << 20, 1 << 20))).block(T);
        assertThat(w.write(0, Flux.fromIterable(pieces(second, 0, second.length, 4097, 1 << 20)))
                .block(T)).isEqualTo(second.length);
        assertThat(Files.readAllBytes(dataFile("reset"))).isEqualTo(second);
        Info info = w.commit(0, Digest.sha256(second), Map.of()).block(T);
        assertThat(store.blobFile(info.digest())).hasBinaryContent(second);
    }

    @Test
    void moreWritersThanStagingBuffersAllLandIntact() throws Exception {
        store = openDirect();
        int writers = DirectWrites.POOL + 8;
        List<byte[]> blobs = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            blobs.add(random((2 << 20) + i * 1000, 100 + i));
        }
        List<Info> infos = Flux.range(0, writers)
                .flatMap(i -> store.writer("many-" + i, 0, null)
                        .flatMap(w -> w.write(Flux.fromIterable(pieces(blobs.get(i), 0, blobs.get(i).length,
                                        (1 << 20) - 3, 1 << 20)))
                                .then(w.commit(0, Digest.sha256(blobs.get(i)), Map.of()))), writers)
                .collectList().block(T);
        assertThat(infos).hasSize(writers);
        for (byte[] b : blobs) {
            assertThat(store.blobFile(Digest.sha256(b))).hasBinaryContent(b);
        }
    }

    @Test
    void aBlobWrittenDirectIsReadIntoThePageCacheAfterItsCommit() throws Exception {
        store = openDirect();
        assumeTrue(store.writesDirect(), "the test file system takes no O_DIRECT");
        // on tmpfs every file is in memory: nothing to read ahead, nothing to tell apart
        assumeTrue(!"tmpfs".equals(Files.getFileStore(root).type()), "the test directory is on tmpfs");
        assumeTrue(cached(root.resolve("metadata.db")) >= 0, "no fincore (util-linux-extra)");
        byte[] big = random(8 << 20, 12);
        byte[] small = random(64 << 10, 13);
        for (byte[] b : List.of(big, small)) {
            Writer w = store.writer("warm-" + b.length, 0, null).block(T);
            w.write(Flux.fromIterable(pieces(b, 0, b.length, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20,
                    1 << 20))).block(T);
            w.commit(0, Digest.sha256(b), Map.of()).block(T);
        }
        Path bigBlob = store.blobFile(Digest.sha256(big));
        long deadline = System.nanoTime() + T.toNanos();
        while (cached(bigBlob) < big.length && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(cached(bigBlob)).as("bytes of the new blob in the page cache").isEqualTo(big.length);
        // below READ_AHEAD_MIN, and written past the cache: not read back
        assertThat(cached(store.blobFile(Digest.sha256(small)))).isLessThan(small.length);
    }

    /** Bytes of {@code file} in the page cache according to fincore, or -1 without it. */
    private static long cached(Path file) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "RES", file.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return -1;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor() == 0 ? Long.parseLong(out) : -1;
    }
}
