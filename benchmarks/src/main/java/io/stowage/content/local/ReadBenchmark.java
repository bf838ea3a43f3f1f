package io.stowage.content.local;

import io.stowage.content.Digest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reads through {@code store.read(...)} of a committed random blob: the whole blob, and ranges of {@code range}
 * bytes at random offsets. Every emitted buffer is consumed (handed to a {@link Blackhole}) and the bytes are
 * counted; a short read fails the benchmark. The blob was just written, so reads are served from the page cache:
 * this measures the store's read path, not the disk.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@State(Scope.Benchmark)
public class ReadBenchmark {
    /** Size of the blob read, in bytes. */
    @Param("67108864")
    public long size;

    /** Length of one ranged read, in bytes. */
    @Param("1048576")
    public long range;

    private Path root;
    private LocalContentStore store;
    private Digest digest;

    @Setup(Level.Trial)
    public void writeBlob() {
        root = ScratchDir.create("stowage-read-");
        store = LocalContentStore.open(root.resolve("store"));
        RandomChunks chunks = new RandomChunks(size, size, 7);
        digest = store.writer("bench-read", size, null)
                .flatMap(w -> w.write(chunks.flux(size)).then(w.commit(size, null, Map.of())))
                .block()
                .digest();
    }

    @TearDown(Level.Trial)
    public void closeStore() {
        store.close();
        ScratchDir.delete(root);
    }

    private long consume(reactor.core.publisher.Flux<ByteBuffer> data, long want, Blackhole bh) {
        long n = data.reduce(0L, (sum, buf) -> {
            bh.consume(buf);
            return sum + buf.remaining();
        }).block();
        if (n != want) {
            throw new IllegalStateException("read " + n + " bytes, expected " + want);
        }
        return n;
    }

    @Benchmark
    public long readWhole(Blackhole bh) {
        return consume(store.read(digest), size, bh);
    }

    @Benchmark
    public long readRange(Blackhole bh) {
        long offset = ThreadLocalRandom.current().nextLong(size - range + 1);
        return consume(store.read(digest, offset, range), range, bh);
    }
}
