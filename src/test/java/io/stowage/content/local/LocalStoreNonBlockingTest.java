package io.stowage.content.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Digest;
import io.stowage.content.Info;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Every store operation called from a non-blocking thread (with BlockHound installed for the test run): a
 * blocking call anywhere on the caller's thread fails the test.
 */
class LocalStoreNonBlockingTest {
    private static final Duration T = Duration.ofSeconds(30);
    private final Scheduler loop = Schedulers.parallel();

    @TempDir
    Path root;

    private LocalContentStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void everyOperationStartsWithoutBlockingTheCallingThread() {
        store = LocalContentStore.open(root);
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        Digest d = Digest.sha256(data);
        Flux<ByteBuffer> chunks = Flux.range(0, data.length / 65536 + 1)
                .map(i -> ByteBuffer.wrap(data, i * 65536, Math.min(65536, data.length - i * 65536)))
                .publishOn(loop);

        Info info = Mono.defer(() -> store.writer("nb", data.length, d)).subscribeOn(loop)
                .publishOn(loop)
                .flatMap(w -> w.write(0, chunks).publishOn(loop)
                        .then(Mono.defer(w::status)).publishOn(loop)
                        .then(Mono.defer(w::digest)).publishOn(loop)
                        .then(Mono.defer(() -> w.truncate(0))).publishOn(loop)
                        .then(Mono.defer(() -> w.write(chunks))).publishOn(loop)
                        .then(Mono.defer(() -> w.commit(0, null, Map.of("a", "b")))))
                .publishOn(loop)
                .block(T);
        assertThat(info.digest()).isEqualTo(d);

        Long read = Mono.defer(() -> store.read(d, 10, 1_000_000).publishOn(loop)
                        .map(ByteBuffer::remaining).reduce(0L, Long::sum))
                .subscribeOn(loop).block(T);
        assertThat(read).isEqualTo(1_000_000L);

        assertThat(Mono.defer(() -> store.info(d)).subscribeOn(loop).publishOn(loop)
                .flatMap(i -> store.update(Info.ofLabels(d, Map.of("x", "y")), "labels.x")).block(T).labels())
                .containsEntry("x", "y").containsEntry("a", "b");
        assertThat(Flux.defer(() -> store.walk()).subscribeOn(loop).collectList().block(T)).hasSize(1);
        assertThat(Flux.defer(() -> store.listStatuses()).subscribeOn(loop).collectList().block(T)).isEmpty();
        Mono.defer(() -> store.delete(d)).subscribeOn(loop).block(T);
    }
}
