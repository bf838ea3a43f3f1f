package io.stowage.content.local;

import com.sun.management.OperatingSystemMXBean;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Large-blob ingest through the store API, next to the two bare limits on the same bytes, in the same run.
 *
 * <ul>
 *   <li>{@link #ingest}: {@code writer(ref, size, null)}, {@code write(chunks)}, {@code commit(size, null,
 *       labels)} on a {@link LocalContentStore}; commit includes fsync, rename, fsync of the directory and the
 *       metadata row.</li>
 *   <li>{@link #sha256}: {@link MessageDigest} SHA-256 over the same chunks.</li>
 *   <li>{@link #writeFsync}: a plain {@link FileChannel} write of the same chunks to a new file, then
 *       {@code force(true)}.</li>
 *   <li>{@link #sha256WhileWriteFsync}: both at once, SHA-256 on a second thread while this one writes and
 *       syncs: the best any design that hashes and writes on two threads can do on this machine (not a goal in
 *       the issue; it shows how much of the gap to the lower bare limit is the machine's, e.g. two cores shared
 *       with other work, and how much the store's).</li>
 * </ul>
 *
 * <p>Every invocation ingests new bytes (a counter stamped into the first chunk), so there is never an
 * ALREADY_EXISTS; the blob (or the plain file) is deleted after the invocation, outside the measured time. The
 * chunks are 1 MiB heap buffers cut from a pool of at most 64 MiB of random bytes.
 *
 * <p>{@link Run} adds the process CPU time spent inside the measured invocations as secondary results
 * ({@code cpuNanos}, {@code bytes}). It is process CPU time: it includes the JVM's GC and JIT compiler threads and
 * every thread the store uses (AIO pool, bounded elastic, database thread), which is the cost a user pays.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class IngestBenchmark {
    static final long POOL_BYTES = 64L << 20;
    static final Map<String, String> LABELS = Map.of("bench", "ingest");

    /**
     * The store, the bytes, what one invocation leaves behind, and the process CPU time spent inside the measured
     * invocations. The CPU figures are JMH secondary results per iteration ({@code cpuNanos}, {@code bytes}), which
     * JMH sums over the iterations: their quotient is the figure ({@code report.py} computes it). The totals over
     * the measurement iterations are also printed at the end of the trial. It is process CPU time: it includes the
     * JVM's GC and JIT threads and every thread the store uses.
     *
     * <p>One state class rather than two, because JMH 1.37 hands a fixture method its own instance of a
     * thread-scoped state given as argument; and an {@code @AuxCounters} class counts its public fields, so
     * everything else here is package-private.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Run {
        private static final OperatingSystemMXBean OS =
                (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        /** Process CPU nanoseconds inside the measured invocations of this iteration. */
        public long cpuNanos;
        /** Bytes ingested (hashed, written) by those invocations. */
        public long bytes;

        /** Blob size in bytes: 1 MiB, 64 MiB, 1 GiB. */
        @Param({"1048576", "67108864", "1073741824"})
        long size;

        Path root;
        LocalContentStore store;
        RandomChunks chunks;
        long seq;
        Digest committed;
        Path plainFile;

        ExecutorService hasher;

        private long cpuStart;
        private boolean measuring;
        private long trialCpuNanos;
        private long trialBytes;
        private long trialInvocations;

        @Setup(Level.Trial)
        public void openStore() {
            root = ScratchDir.create("stowage-ingest-");
            store = LocalContentStore.open(root.resolve("store"));
            chunks = new RandomChunks(size, POOL_BYTES, 42);
            hasher = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-hasher"));
        }

        @Setup(Level.Iteration)
        public void resetCounters(IterationParams iteration) {
            cpuNanos = 0;
            bytes = 0;
            measuring = iteration.getType() == IterationType.MEASUREMENT;
        }

        /** New content for the next invocation, then the CPU clock starts. */
        @Setup(Level.Invocation)
        public void before() {
            seq++;
            chunks.stamp(seq ^ System.nanoTime() << 20);
            committed = null;
            plainFile = root.resolve("plain-" + seq);
            cpuStart = OS.getProcessCpuTime();
        }

        /** The CPU clock stops, then what the invocation wrote is removed. */
        @TearDown(Level.Invocation)
        public void after() throws IOException {
            long used = OS.getProcessCpuTime() - cpuStart;
            cpuNanos += used;
            bytes += size;
            if (measuring) {
                trialCpuNanos += used;
                trialBytes += size;
                trialInvocations++;
            }
            if (committed != null) {
                store.delete(committed).block();
                committed = null;
            }
            Files.deleteIfExists(plainFile);
        }

        @TearDown(Level.Trial)
        public void closeStore(BenchmarkParams params) {
            hasher.shutdownNow();
            store.close();
            ScratchDir.delete(root);
            if (trialBytes > 0) {
                double gib = trialBytes / (double) (1L << 30);
                System.out.printf(Locale.ROOT, "%n# cpu %s size=%d: %.3f CPU-s over %d invocations, %.3f GiB"
                                + " = %.3f CPU-s/GiB (process CPU time: includes GC, JIT and all JVM threads)%n",
                        params.getBenchmark(), size, trialCpuNanos / 1e9, trialInvocations, gib,
                        trialCpuNanos / 1e9 / gib);
            }
        }
    }

    @Benchmark
    public Info ingest(Run b) {
        long size = b.size;
        Info info = b.store.writer("bench-ingest-" + b.seq, size, null)
                .flatMap(w -> w.write(b.chunks.flux(size)).then(w.commit(size, null, LABELS)))
                .block();
        b.committed = info.digest();
        return info;
    }

    @Benchmark
    public byte[] sha256(Run b) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        int n = RandomChunks.chunkCount(b.size);
        for (int i = 0; i < n; i++) {
            md.update(b.chunks.chunk(b.size, i));
        }
        return md.digest();
    }

    @Benchmark
    public long writeFsync(Run b) throws IOException {
        return writeAndSync(b);
    }

    @Benchmark
    public byte[] sha256WhileWriteFsync(Run b) throws Exception {
        Future<byte[]> hash = b.hasher.submit(() -> sha256(b));
        writeAndSync(b);
        return hash.get();
    }

    private static long writeAndSync(Run b) throws IOException {
        try (FileChannel fc = FileChannel.open(b.plainFile, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            int n = RandomChunks.chunkCount(b.size);
            for (int i = 0; i < n; i++) {
                ByteBuffer buf = b.chunks.chunk(b.size, i);
                while (buf.hasRemaining()) {
                    fc.write(buf);
                }
            }
            fc.force(true);
            return fc.position();
        }
    }
}
