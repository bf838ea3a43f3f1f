package io.stowage.content.local;

import io.stowage.content.Info;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * Small-blob ingests per second through the store API: {@code writer}, one {@code write}, {@code commit} (with
 * fsync, rename, fsync of the directory, metadata row) of a new 4 KiB blob per operation, from one thread and from
 * four threads on the same store. Committed blobs stay in the store until the end of the trial, as they would in
 * use (a few tens of thousands of files in one directory).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@State(Scope.Benchmark)
public class SmallBlobBenchmark {
    static final Map<String, String> LABELS = Map.of("bench", "small");

    /** Blob size in bytes. */
    @Param("4096")
    public int size;

    private Path root;
    private LocalContentStore store;
    private final AtomicLong seq = new AtomicLong();

    /** The bytes of one thread's blobs; each operation stamps a new sequence number into them. */
    @State(Scope.Thread)
    public static class Payload {
        byte[] bytes;

        @Setup(Level.Trial)
        public void fill(SmallBlobBenchmark bench) {
            bytes = new byte[bench.size];
            new SplittableRandom(Thread.currentThread().getId()).nextBytes(bytes);
        }
    }

    @Setup(Level.Trial)
    public void openStore() {
        root = ScratchDir.create("stowage-small-");
        store = LocalContentStore.open(root.resolve("store"));
    }

    @TearDown(Level.Trial)
    public void closeStore() {
        store.close();
        ScratchDir.delete(root);
    }

    private Info ingestOne(Payload p) {
        long n = seq.incrementAndGet();
        ByteBuffer.wrap(p.bytes).putLong(0, n);
        long len = p.bytes.length;
        return store.writer("bench-small-" + n, len, null)
                .flatMap(w -> w.write(Mono.just(ByteBuffer.wrap(p.bytes))).then(w.commit(len, null, LABELS)))
                .block();
    }

    @Benchmark
    @Threads(1)
    public Info ingest(Payload p) {
        return ingestOne(p);
    }

    @Benchmark
    @Threads(4)
    public Info ingest4Threads(Payload p) {
        return ingestOne(p);
    }
}
