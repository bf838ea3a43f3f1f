package io.stowage.content.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Writer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * The force at commit may be left out only when a background force made exactly the committed bytes durable: a
 * write that reaches the declared total starts one at once (while the hash catches up); a reset makes what it
 * covered count for nothing.
 */
class CommitForceTest {
    static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path root;
    LocalContentStore store;

    @BeforeEach
    void open() {
        store = LocalContentStore.open(root);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aWriteThatReachesTheDeclaredTotalIsForcedInTheBackgroundAndTheCommitFindsItDurable() throws Exception {
        byte[] data = bytes(300_000, 1);
        LocalWriter w = (LocalWriter) store.writer("full", data.length, null).block(T);
        w.write(Mono.just(ByteBuffer.wrap(data))).block(T);
        awaitDurable(w, data.length);

        Info info = w.commit(data.length, Digest.sha256(data), Map.of()).block(T);

        assertThat(w.forcedAtCommit()).isFalse();
        assertThat(read(info.digest())).isEqualTo(data);
    }

    @Test
    void withoutADeclaredTotalASmallIngestIsForcedByItsCommit() {
        byte[] data = bytes(300_000, 2);
        LocalWriter w = (LocalWriter) store.writer("unsized", 0, null).block(T);
        w.write(Mono.just(ByteBuffer.wrap(data))).block(T);
        assertThat(w.durableBytes()).isZero();

        Info info = w.commit(data.length, Digest.sha256(data), Map.of()).block(T);

        assertThat(w.forcedAtCommit()).isTrue();
        assertThat(read(info.digest())).isEqualTo(data);
    }

    @Test
    void aResetMakesTheBackgroundForceOfTheOldBytesCountForNothing() throws Exception {
        byte[] first = bytes(200_000, 3);
        byte[] second = bytes(200_000, 4);
        LocalWriter w = (LocalWriter) store.writer("reset", first.length, null).block(T);
        w.write(Mono.just(ByteBuffer.wrap(first))).block(T);
        awaitDurable(w, first.length);

        w.write(0, Mono.just(ByteBuffer.wrap(second, 0, 100_000))).block(T);
        assertThat(w.durableBytes()).as("durable bytes of the new data after the reset").isZero();
        w.write(100_000, Mono.just(ByteBuffer.wrap(second, 100_000, 100_000))).block(T);
        awaitDurable(w, second.length);

        Info info = w.commit(second.length, Digest.sha256(second), Map.of()).block(T);
        assertThat(read(info.digest())).isEqualTo(second);
    }

    private static void awaitDurable(LocalWriter w, long n) throws InterruptedException {
        long until = System.nanoTime() + T.toNanos();
        while (w.durableBytes() != n) {
            assertThat(System.nanoTime()).as("background force of %d bytes", n).isLessThan(until);
            Thread.sleep(5);
        }
    }

    private byte[] read(Digest d) {
        return store.read(d).collect(ByteArrayOutputStream::new, (out, b) -> {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.write(a, 0, a.length);
        }).map(ByteArrayOutputStream::toByteArray).block(T);
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
