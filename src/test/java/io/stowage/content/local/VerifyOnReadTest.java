package io.stowage.content.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Verification;
import io.stowage.content.Writer;
import io.stowage.metadata.MetadataDb;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * A local store with {@code verifyOnRead}: whole-blob reads of intact blobs complete, of a blob corrupted on disk
 * end with INTERNAL before its last chunk (and label it), range reads are not checked; {@code verify} and
 * {@code verifyAll} report, label or quarantine.
 */
class VerifyOnReadTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private MetadataDb db;
    private LocalContentStore store;

    @BeforeEach
    void open() {
        db = MetadataDb.open(root.resolve("metadata.db"));
        store = LocalContentStore.open(root, Schedulers.boundedElastic(), db, true);
    }

    @AfterEach
    void close() {
        store.close();
        db.close();
    }

    private Digest put(byte[] data) {
        Writer w = store.writer("r-" + data.length, data.length, null).block(T);
        w.write(Mono.just(ByteBuffer.wrap(data))).block(T);
        return w.commit(data.length, null, Map.of("k", "v")).block(T).digest();
    }

    private void corrupt(Digest d, long at) throws IOException {
        Path file = store.blobFile(d);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 1);
        }
    }

    @Test
    void aCorruptBlobsWholeReadErrorsBeforeItsLastByteAndLabelsIt() throws IOException {
        byte[] data = random(3 * LocalContentStore.READ_CHUNK + 17, 1);
        Digest d = put(data);
        assertThat(store.verifiesReads()).isTrue();
        StepVerifier.create(store.read(d, 0, -1).map(ByteBuffer::remaining).reduce(0, Integer::sum))
                .expectNext(data.length).expectComplete().verify(T);

        corrupt(d, 5);
        AtomicLong seen = new AtomicLong();
        StepVerifier.create(store.read(d, 0, -1).doOnNext(b -> seen.addAndGet(b.remaining())))
                .thenConsumeWhile(b -> true)
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.INTERNAL)).isTrue())
                .verify(T);
        assertThat(seen.get()).isLessThan(data.length);
        assertThat(store.info(d).block(T).labels()).containsEntry("k", "v")
                .containsKey(LocalContentStore.CORRUPT_LABEL);
        StepVerifier.create(store.read(d, 10, 100).map(ByteBuffer::remaining))
                .expectNext(100).expectComplete().verify(T);
    }

    @Test
    void verifyReportsAndQuarantines() throws IOException {
        Digest good = put(random(1000, 2));
        Digest bad = put(random(2000, 3));
        Digest empty = put(new byte[0]);
        corrupt(bad, 1999);

        Verification v = store.verify(good, false).block(T);
        assertThat(v.ok()).isTrue();
        assertThat(v.size()).isEqualTo(1000);
        assertThat(store.verify(empty, false).block(T).ok()).isTrue();
        Verification b = store.verify(bad, false).block(T);
        assertThat(b.ok()).isFalse();
        assertThat(b.quarantined()).isFalse();
        assertThat(store.blobFile(bad)).exists();

        assertThat(store.verifyAll(true).collectList().block(T))
                .extracting(Verification::digest, Verification::ok, Verification::quarantined)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(good, true, false),
                        org.assertj.core.groups.Tuple.tuple(empty, true, false),
                        org.assertj.core.groups.Tuple.tuple(bad, false, true));
        assertThat(store.blobFile(bad)).doesNotExist();
        assertThat(root.resolve("quarantine/sha256").resolve(bad.hex())).exists();
        StepVerifier.create(store.info(bad))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.NOT_FOUND)).isTrue())
                .verify(T);
        StepVerifier.create(store.verify(bad, true))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.NOT_FOUND)).isTrue())
                .verify(T);
        assertThat(store.verifyAll(false).map(Verification::digest).collectList().block(T))
                .containsExactlyInAnyOrder(good, empty);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
