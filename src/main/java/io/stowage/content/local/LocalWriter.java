package io.stowage.content.local;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Labels;
import io.stowage.content.Status;
import io.stowage.content.Writer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;

/**
 * The writer of one ingest of a {@link LocalContentStore}. Data goes to the ingest's data file through an
 * {@link AsynchronousFileChannel}, one buffer at a time; each buffer is hashed while its write is in flight. Where
 * the file system takes them, a buffer's whole blocks are written past the page cache ({@link DirectWrites})
 * together with the partial block before them, then its remainder buffered; the offset advances only when both
 * have landed, so the file never holds a hole or a byte that status does not count.
 *
 * <p>State is guarded by {@code this}. A reset replaces the {@link Generation} (hash and offset) at once, so an
 * I/O of the previous generation that completes late changes nothing, and waits for that I/O to land before
 * truncating the file, so nothing of it survives the reset.
 */
final class LocalWriter implements Writer {
    /**
     * Bytes after which a background {@code force(false)} starts the disk writing what has landed so far, so that
     * writeback overlaps hashing and the force at commit only has the tail left (Java has no sync_file_range).
     */
    static final long WRITEBACK_EVERY = writebackEvery();
    /**
     * No background writeback once an ingest holds this much ({@code -Dstowage.writebackUntilBytes}; default: no
     * limit). Measured both ways on one virtual disk in two sessions (benchmarks/README.md, profiling items 12 and
     * 13): a 256 MiB cap made a 1 GiB ingest take 0.86-0.94 s where writeback all the way was bimodal (0.85 or
     * 1.8 s); later, in five alternating pairs, the cap took 0.98-1.18 s and writeback all the way 0.84-0.87 s. The
     * later, larger set decided the default; the property is there for a disk that behaves like the first.
     */
    static final long WRITEBACK_UNTIL = Long.getLong("stowage.writebackUntilBytes", Long.MAX_VALUE);

    private static final byte[] NO_BYTES = new byte[0];

    /** {@code -Dstowage.writebackEveryBytes}: the interval, 0 for none; default 16 MiB. */
    private static long writebackEvery() {
        long every = Long.getLong("stowage.writebackEveryBytes", 16L << 20);
        return every <= 0 ? Long.MAX_VALUE : every;
    }

    /** Hash state and offset of the data since the last reset. */
    private static final class Generation {
        MessageDigest md;
        long offset;
        /** An I/O failed after its bytes were hashed: file and hash must be resynchronised before going on. */
        boolean dirty;
        /**
         * The bytes of the data file's last partial block ({@code offset % block} of them), which a direct write
         * rewrites along with what follows; null when not known (then the next chunk is buffered).
         */
        byte[] tail;

        Generation(MessageDigest md, long offset, int block) {
            this.md = md;
            this.offset = offset;
            this.tail = block > 0 && offset % block == 0 ? NO_BYTES : null;
        }
    }

    /** One write (or reset) occupying the writer, until its stream has ended and its last I/O has landed. */
    private static final class Inflight {
        final Sinks.Empty<Void> cancel = Sinks.empty();
        final Sinks.Empty<Void> settled = Sinks.empty();
        boolean cancelled;
        boolean streaming = true;
        boolean ioPending;
    }

    private final LocalContentStore store;
    private final String ref;
    private final java.nio.file.Path dir;
    private final AsynchronousFileChannel channel;
    /** The same file opened for direct writes ({@link DirectWrites}), or null: every write is buffered. */
    private final AsynchronousFileChannel direct;
    /** The alignment of direct writes; 0 without them. */
    private final int block;
    /** Some of the data went past the page cache (the commit then asks for a read-ahead). */
    private volatile boolean wroteDirect;
    private final Instant startedAt;
    private final String algorithm;
    private final java.time.Duration expiry;

    private long total;
    private Digest expected;
    private Generation gen;
    private Instant updatedAt;
    /** Data landed or was reset since the writer was opened (close then has something to make durable). */
    private boolean modified;
    /** The data file's mtime when the writer was opened: still its mtime at close when nothing was written. */
    private final FileTime openedMtime;
    /** Completes when a close or abort has finished (lock released); null before one starts. Guarded by this. */
    private Mono<Void> ending;
    private boolean endedByRemoval;
    private Inflight inflight;
    private String endedBy;
    /** Bytes landed since the last background writeback was started; guarded by {@code this}. */
    private long sinceWriteback;
    private final AtomicBoolean writebackRunning = new AtomicBoolean();
    /** Serialises the background forces with the force and close at commit; taken before {@code this}. */
    private final Object forceLock = new Object();
    /** The generation and length a background force has made durable; guarded by forceLock. */
    private Generation durableGen;
    private long durableEnd;
    /** Whether the commit had to force the file itself (for tests); guarded by forceLock. */
    private boolean forcedAtCommit;

    // ---- what live readers ({@link LiveRead}) follow; guarded by this
    /** Where a live reader stands with this writer: the generation (bumped by each reset), offset and phase. */
    record Progress(long generation, long offset, Phase phase, ContentException failure) {
    }

    /** OPEN while data may still come; COMMITTED once the data is verified and published; FAILED or ENDED else. */
    enum Phase { OPEN, COMMITTED, FAILED, ENDED }

    private long generationNo;
    private Phase phase = Phase.OPEN;
    private ContentException failure;
    /** Completed (and dropped) at the next change of progress; created when a live reader waits. */
    private Sinks.Empty<Void> changed;

    LocalWriter(LocalContentStore store, String ref, java.nio.file.Path dir, AsynchronousFileChannel channel,
                AsynchronousFileChannel direct, Status status, FileTime mtime, MessageDigest md) {
        this.store = store;
        this.openedMtime = mtime;
        this.ref = ref;
        this.dir = dir;
        this.channel = channel;
        this.direct = direct;
        this.block = direct == null ? 0 : store.directWrites().block();
        this.startedAt = status.startedAt();
        this.updatedAt = status.updatedAt();
        this.total = status.total();
        this.expected = status.expected();
        this.expiry = status.expiry();
        this.algorithm = md.getAlgorithm().equals("SHA-512") ? Digest.SHA512 : Digest.SHA256;
        this.gen = new Generation(md, status.offset(), block);
    }

    @Override
    public String ref() {
        return ref;
    }

    @Override
    public Mono<Long> write(Publisher<ByteBuffer> data) {
        return write(-1, data, true);
    }

    @Override
    public Mono<Long> write(long offset, Publisher<ByteBuffer> data) {
        if (offset < 0) {
            return Mono.error(ContentException.invalidArgument("ref " + ref + ": negative offset " + offset));
        }
        return write(offset, data, false);
    }

    @Override
    public Mono<Void> truncate(long size) {
        if (size != 0) {
            return Mono.error(ContentException.invalidArgument(
                    "ref " + ref + ": truncate to " + size + " not supported, only to 0"));
        }
        return write(0, Flux.empty(), false).then();
    }

    private Mono<Long> write(long offset, Publisher<ByteBuffer> data, boolean append) {
        return Mono.defer(() -> {
            Inflight mine = new Inflight();
            Mono<Void> before;
            Sinks.Empty<Void> wake = null;
            synchronized (this) {
                checkOpen();
                boolean reset = !append && offset == 0 && (gen.offset > 0 || inflight != null);
                if (reset) {
                    Inflight prev = inflight;
                    inflight = mine;
                    gen = new Generation(Digest.newMessageDigest(algorithm), 0, block);
                    generationNo++;
                    wake = takeChanged();
                    touch();
                    before = (prev == null ? Mono.<Void>empty() : cancel(prev)).then(truncateFile());
                } else if (inflight != null && inflight.streaming) {
                    throw ContentException.failedPrecondition("ref " + ref + ": another write is in progress");
                } else {
                    before = inflight == null ? Mono.empty() : inflight.settled.asMono();
                    inflight = mine;
                }
            }
            wake(wake);
            return before.then(Mono.defer(() -> stream(mine, offset, data)))
                    .doOnEach(sig -> {
                        if (!sig.isOnSubscribe()) {
                            streamEnded(mine);
                        }
                    })
                    .doOnCancel(() -> streamEnded(mine));
        });
    }

    private Mono<Long> stream(Inflight mine, long offset, Publisher<ByteBuffer> data) {
        Generation g;
        synchronized (this) {
            checkOpen();
            if (mine.cancelled) {
                throw cancelledByReset();
            }
            g = gen;
            if (offset >= 0 && offset != g.offset) {
                throw ContentException.outOfRange("ref " + ref + ": write at offset " + offset
                        + ", but the ingest is at " + g.offset + " (only the current offset or 0 to restart)",
                        g.offset);
            }
        }
        Mono<Void> ready = g.dirty ? resync(g) : Mono.empty();
        return ready.thenMany(Flux.from(data))
                .takeUntilOther(mine.cancel.asMono())
                // BOUNDARY: a source error waits for the chunk in flight, so status and digest agree afterwards
                .concatMapDelayError(buf -> chunk(mine, g, buf), false, 1)
                .then(Mono.fromCallable(() -> {
                    synchronized (this) {
                        if (mine.cancelled) {
                            throw cancelledByReset();
                        }
                        return g.offset;
                    }
                }));
    }

    /** Writes one buffer at the generation's offset while hashing it; completes when both are done. */
    private Mono<Void> chunk(Inflight mine, Generation g, ByteBuffer buf) {
        int n = buf.remaining();
        if (n == 0) {
            return Mono.empty();
        }
        return roomFor(g, n).then(Mono.create(sink -> {
            long pos;
            byte[] tail;
            synchronized (this) {
                if (mine.cancelled || gen != g) {
                    sink.success();
                    return;
                }
                pos = g.offset;
                if (total > 0 && pos + n > total) {
                    sink.error(ContentException.invalidArgument("ref " + ref + ": write of " + n + " bytes at "
                            + pos + " goes past the declared total " + total));
                    return;
                }
                mine.ioPending = true;
                tail = g.tail;
            }
            ChunkIo io = direct != null && tail != null && tail.length + n >= block
                    && tail.length + n <= DirectWrites.STAGE + block ? directIo(mine, g, buf, pos, tail, sink) : null;
            if (io == null) {
                io = new ChunkIo(mine, g, pos, n, sink, channel, buf.duplicate(), pos, null, n,
                        tailAfter(pos, n, tail, buf));
            }
            io.start();
            synchronized (g) {
                g.md.update(buf.duplicate());
            }
            io.partDone(null);
        }));
    }

    /**
     * The chunk staged behind the file's partial last block ({@code tail}): its whole blocks written past the page
     * cache, then the rest (under one block) buffered. Null when no staging buffer is free.
     */
    private ChunkIo directIo(Inflight mine, Generation g, ByteBuffer buf, long pos, byte[] tail,
                             MonoSink<Void> sink) {
        DirectWrites dw = store.directWrites();
        ByteBuffer stage = dw.take();
        if (stage == null) {
            return null;
        }
        wroteDirect = true;
        int n = buf.remaining();
        stage.put(tail).put(buf.duplicate());
        int len = stage.position();
        int aligned = len & -block;
        long base = pos - tail.length;
        ByteBuffer whole = stage.duplicate().position(0).limit(aligned);
        ByteBuffer rest = aligned == len ? null : stage.duplicate().position(aligned).limit(len);
        byte[] newTail = new byte[len - aligned];
        stage.duplicate().position(aligned).limit(len).get(newTail);
        ChunkIo io = new ChunkIo(mine, g, pos, n, sink, direct, whole, base, rest, len - aligned, newTail);
        io.stage = stage;
        return io;
    }

    /** The partial last block after a buffered write of {@code buf} at {@code pos}, or null when not known. */
    private byte[] tailAfter(long pos, int n, byte[] tail, ByteBuffer buf) {
        if (block == 0) {
            return null;
        }
        int k = (int) ((pos + n) % block);
        if (k == 0) {
            return NO_BYTES;
        }
        byte[] t = new byte[k];
        if (n >= k) {
            buf.duplicate().position(buf.position() + n - k).get(t);
            return t;
        }
        if (tail == null || tail.length + n != k) {
            return null;
        }
        System.arraycopy(tail, 0, t, 0, tail.length);
        buf.duplicate().get(t, tail.length, n);
        return t;
    }

    /** Claims quota room for {@code n} more bytes ({@link StoreSpace}); a no-op within a predeclared total. */
    private Mono<Void> roomFor(Generation g, int n) {
        return Mono.defer(() -> {
            long end;
            synchronized (this) {
                end = g.offset + n;
                if (total > 0) {
                    end = Math.min(end, total);
                }
            }
            return store.space().claim(ref, end);
        });
    }

    /**
     * Completion of one chunk: its file writes (each possibly in several parts; a buffered rest strictly after
     * the direct write, so the file never holds a hole) and the hash, in any order.
     */
    private final class ChunkIo implements CompletionHandler<Integer, Void> {
        final Inflight mine;
        final Generation g;
        final long pos;
        final int n;
        final MonoSink<Void> sink;
        final AtomicInteger parts = new AtomicInteger(2);
        volatile Throwable failure;
        /** The write under way: its channel, the bytes left and where they go. */
        private AsynchronousFileChannel target;
        private ByteBuffer data;
        private long at;
        /** The buffered write after it, or null. */
        private ByteBuffer rest;
        /** Bytes that go through the page cache (what background writeback counts). */
        final int buffered;
        /** The generation's tail once this chunk has landed. */
        final byte[] newTail;
        /** The staging buffer to give back when the writes are done, or null. */
        ByteBuffer stage;

        ChunkIo(Inflight mine, Generation g, long pos, int n, MonoSink<Void> sink, AsynchronousFileChannel target,
                ByteBuffer data, long at, ByteBuffer rest, int buffered, byte[] newTail) {
            this.mine = mine;
            this.g = g;
            this.pos = pos;
            this.n = n;
            this.sink = sink;
            this.target = target;
            this.data = data;
            this.at = at;
            this.rest = rest;
            this.buffered = buffered;
            this.newTail = newTail;
        }

        void start() {
            target.write(data, at, null, this);
        }

        @Override
        public void completed(Integer written, Void att) {
            at += written;
            if (!data.hasRemaining() && rest != null) {
                target = channel;
                data = rest;
                rest = null;
            }
            if (data.hasRemaining()) {
                target.write(data, at, null, this);
            } else {
                writesDone();
                if (buffered > 0) {
                    startWritebackIfLast(g, pos + n);
                }
                partDone(null);
            }
        }

        private void writesDone() {
            if (stage != null) {
                store.directWrites().give(stage);
                stage = null;
            }
        }

        @Override
        public void failed(Throwable e, Void att) {
            writesDone();
            partDone(e);
        }

        void partDone(Throwable e) {
            if (e != null) {
                failure = e;
            }
            if (parts.decrementAndGet() != 0) {
                return;
            }
            Throwable f = failure;
            Sinks.Empty<Void> wake = null;
            synchronized (LocalWriter.this) {
                mine.ioPending = false;
                if (gen == g) {
                    if (f == null) {
                        g.offset = pos + n;
                        g.tail = newTail;
                        touch();
                        startWritebackIfDue(buffered, g.offset);
                        wake = takeChanged();
                    } else {
                        g.dirty = true;
                        g.tail = null;
                    }
                }
                settleIfDone(mine);
            }
            wake(wake);
            if (f == null) {
                sink.success();
            } else {
                sink.error(FileErrors.of("ref " + ref + ": write at " + pos, f));
            }
        }
    }

    /** Called under this writer's monitor when a chunk has landed; never blocks. */
    private void startWritebackIfDue(int n, long offset) {
        sinceWriteback += n;
        if (sinceWriteback < WRITEBACK_EVERY || offset > WRITEBACK_UNTIL) {
            return;
        }
        startWriteback(gen, offset);
    }

    /**
     * Called when the file writes of a chunk ending at {@code end} are done, possibly before its hash: when that is
     * the declared total, the disk starts writing the last bytes while the hash catches up, and the force at commit
     * finds them written. Never blocks.
     */
    private void startWritebackIfLast(Generation g, long end) {
        synchronized (this) {
            if (gen != g || total <= 0 || end != total) {
                return;
            }
        }
        startWriteback(g, end);
    }

    /** Forces the file in the background; when that succeeds, the first {@code end} bytes of {@code g} are durable. */
    private void startWriteback(Generation g, long end) {
        if (!writebackRunning.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            sinceWriteback = 0;
        }
        store.blocking().schedule(() -> {
            try {
                synchronized (forceLock) {
                    boolean forced = false;
                    try {
                        if (channel.isOpen()) {
                            channel.force(false);
                            forced = true;
                        }
                    } finally {
                        // before the result shows: whoever sees it may start the next writeback at once
                        writebackRunning.set(false);
                    }
                    if (forced && (durableGen != g || end >= durableEnd)) {
                        durableGen = g;
                        durableEnd = end;
                    }
                }
            } catch (IOException e) {
                // best effort: only the force at commit decides durability, and it reports its own errors
            }
        });
    }

    private void streamEnded(Inflight mine) {
        synchronized (this) {
            mine.streaming = false;
            settleIfDone(mine);
        }
    }

    private void settleIfDone(Inflight mine) {
        if (!mine.streaming && !mine.ioPending) {
            if (inflight == mine) {
                inflight = null;
            }
            mine.settled.tryEmitEmpty();
        }
    }

    private Mono<Void> cancel(Inflight prev) {
        synchronized (this) {
            prev.cancelled = true;
        }
        prev.cancel.tryEmitEmpty();
        return prev.settled.asMono();
    }

    private Mono<Void> truncateFile() {
        return Mono.<Void>fromCallable(() -> {
            channel.truncate(0);
            return null;
        }).subscribeOn(store.blocking()).onErrorMap(e -> FileErrors.of("ref " + ref + ": truncate", e));
    }

    /** After a failed write: cut the file back to what is known to be written and rehash it. */
    private Mono<Void> resync(Generation g) {
        return Mono.<Void>fromCallable(() -> {
            synchronized (forceLock) {
                // a background force may have covered bytes the failed write replaced; the truncation is new
                durableGen = null;
                channel.truncate(g.offset);
            }
            MessageDigest md = store.hashFile(dir.resolve(IngestFiles.DATA), g.offset, algorithm);
            synchronized (g) {
                g.md = md;
                g.dirty = false;
            }
            return null;
        }).subscribeOn(store.blocking()).onErrorMap(e -> FileErrors.of("ref " + ref + ": resync", e));
    }

    private void touch() {
        modified = true;
        Instant now = Instant.now();
        // Keep updatedAt strictly increasing so that every write is visible in it.
        updatedAt = now.isAfter(updatedAt) ? now : updatedAt.plusNanos(1);
    }

    private void checkOpen() {
        if (endedBy != null) {
            throw ContentException.failedPrecondition("ref " + ref + ": writer is " + endedBy);
        }
    }

    private ContentException cancelledByReset() {
        return ContentException.failedPrecondition("ref " + ref + ": write cancelled by a reset at offset 0");
    }

    @Override
    public Mono<Status> status() {
        return Mono.fromCallable(() -> {
            synchronized (this) {
                checkOpen();
                return snapshot();
            }
        });
    }

    synchronized Status snapshot() {
        return new Status(ref, gen.offset, total, expected, startedAt, updatedAt, expiry);
    }

    @Override
    public Mono<Digest> digest() {
        return Mono.defer(() -> {
            Generation g;
            synchronized (this) {
                checkOpen();
                g = gen;
            }
            return (g.dirty ? resync(g) : Mono.<Void>empty()).then(Mono.fromCallable(this::currentDigest));
        });
    }

    private Digest currentDigest() throws CloneNotSupportedException {
        Generation g;
        synchronized (this) {
            g = gen;
        }
        synchronized (g) {
            return Digest.fromBytes(algorithm, ((MessageDigest) g.md.clone()).digest());
        }
    }

    @Override
    public Mono<Info> commit(long size, Digest expectedDigest, Map<String, String> labels) {
        return Mono.defer(() -> {
            try {
                Labels.validate(labels);
            } catch (ContentException e) {
                return close().then(Mono.error(e));
            }
            Inflight prev;
            Generation g;
            synchronized (this) {
                checkOpen();
                if (inflight != null && inflight.streaming) {
                    // A commit always ends the writer: the running write is cancelled, the data kept.
                    return close().then(Mono.error(ContentException.failedPrecondition(
                            "ref " + ref + ": commit while a write is in progress")));
                }
                endedBy = "ended by its commit";
                prev = inflight;
                g = gen;
            }
            return (prev == null ? Mono.<Void>empty() : prev.settled.asMono())
                    .then(Mono.defer(() -> g.dirty ? resync(g) : Mono.empty()))
                    .then(Mono.fromCallable(() -> verifyAndPublish(size, expectedDigest, labels))
                            .subscribeOn(store.blocking()));
        }).doOnEach(sig -> {
            if (sig.isOnNext()) {
                store.space().committed(ref, sig.get().size());
                settle(Phase.COMMITTED, () -> null);
            } else if (sig.isOnError()) {
                Throwable e = sig.getThrowable();
                if (ContentException.is(e, io.stowage.content.ErrorCode.ALREADY_EXISTS)) {
                    store.space().dropped(ref);
                    // found after the check passed: the bytes were the right ones
                    settle(Phase.COMMITTED, () -> null);
                } else {
                    settleSpace();
                    settle(Phase.FAILED, () -> ContentException.failedPrecondition("ref " + ref + ": commit failed: "
                            + e.getMessage()));
                }
            }
            if (sig.isOnNext() || sig.isOnError()) {
                store.release(this);
            }
        }).doOnCancel(() -> {
            settle(Phase.ENDED, () -> ContentException.unavailable("ref " + ref + ": commit cancelled"));
            store.release(this);
        });
    }

    /** Bytes of the current data a background force has made durable, 0 when none (for tests). */
    long durableBytes() {
        Generation g;
        synchronized (this) {
            g = gen;
        }
        synchronized (forceLock) {
            return durableGen == g ? durableEnd : 0;
        }
    }

    /** Whether the commit forced the file itself rather than find it durable (for tests). */
    boolean forcedAtCommit() {
        synchronized (forceLock) {
            return forcedAtCommit;
        }
    }

    // ---- live readers

    /** The data file of this ingest (renamed to the blob on commit: an open channel stays valid). */
    java.nio.file.Path dataFile() {
        return dir.resolve(IngestFiles.DATA);
    }

    /** The declared total, 0 when unknown. */
    synchronized long total() {
        return total;
    }

    /** The declared digest, or null. */
    synchronized Digest expected() {
        return expected;
    }

    synchronized Progress progress() {
        return new Progress(generationNo, gen.offset, phase, failure);
    }

    /** Completes as soon as the progress differs from {@code seen} (at once when it already does). */
    Mono<Void> changedSince(Progress seen) {
        return Mono.defer(() -> {
            synchronized (this) {
                if (generationNo != seen.generation() || gen.offset != seen.offset() || phase != seen.phase()) {
                    return Mono.empty();
                }
                if (changed == null) {
                    changed = Sinks.empty();
                }
                return changed.asMono();
            }
        });
    }

    /** Under the monitor: the waiters to wake once it is left. */
    private Sinks.Empty<Void> takeChanged() {
        Sinks.Empty<Void> c = changed;
        changed = null;
        return c;
    }

    private static void wake(Sinks.Empty<Void> c) {
        if (c != null) {
            c.tryEmitEmpty();
        }
    }

    /** Ends the OPEN phase once (later calls change nothing) and wakes live readers; {@code why}: for them. */
    private void settle(Phase to, java.util.function.Supplier<ContentException> why) {
        Sinks.Empty<Void> wake;
        synchronized (this) {
            if (phase != Phase.OPEN) {
                return;
            }
            phase = to;
            failure = why.get();
            wake = takeChanged();
        }
        wake(wake);
    }

    /** The ingest keeps its data: its quota claim becomes what it holds. */
    private void settleSpace() {
        long held;
        synchronized (this) {
            held = gen.offset;
        }
        store.space().settle(ref, held);
    }

    /** Runs on the blocking scheduler: sync, check, then publish the data under its digest. */
    private Info verifyAndPublish(long size, Digest expectedDigest, Map<String, String> labels) throws Exception {
        Generation g;
        long written;
        Digest actual;
        long declaredTotal;
        Digest declared;
        synchronized (this) {
            g = gen;
            written = g.offset;
            declaredTotal = total;
            declared = expected;
        }
        actual = currentDigest();
        synchronized (forceLock) {
            try {
                if (durableGen != g || durableEnd != written) {
                    forcedAtCommit = true;
                    channel.force(false);
                }
            } finally {
                closeChannels();
            }
        }
        long wantSize = size > 0 ? size : declaredTotal;
        Digest want = expectedDigest != null ? expectedDigest : declared;
        if (wantSize > 0 && wantSize != written) {
            persistUpdatedAt();
            throw ContentException.failedPrecondition("ref " + ref + ": unexpected commit size " + written
                    + ", expected " + wantSize);
        }
        if (want != null && !want.equals(actual)) {
            persistUpdatedAt();
            throw ContentException.failedPrecondition("ref " + ref + ": unexpected commit digest " + actual
                    + ", expected " + want);
        }
        Info info = store.publish(dir, actual, written, labels);
        if (wroteDirect && written >= DirectWrites.READ_AHEAD_MIN) {
            store.directWrites().readAhead(store.blobFile(actual));
        }
        return info;
    }

    private void closeChannels() throws IOException {
        try {
            channel.close();
        } finally {
            if (direct != null) {
                direct.close();
            }
        }
    }

    private void persistUpdatedAt() {
        try {
            Instant t;
            synchronized (this) {
                t = updatedAt;
            }
            // The data file's mtime is the ingest's update time; a separate updatedat file cost an inode created and
            // one deleted per close, which on ext4 without a journal made every later file creation slower.
            FileTime mtime = FileTime.from(t);
            Files.setLastModifiedTime(dir.resolve(IngestFiles.DATA), mtime);
            rememberClosed(mtime);
        } catch (IOException e) {
            // the data file's mtime stands in for it
        }
    }

    /**
     * Lets the next status or writer of this ref go without reading the ingest back ({@link ClosedIngests}); the
     * hash state is left out when it is unsure. {@code mtime}: the data file's, as this close leaves it.
     */
    private void rememberClosed(FileTime mtime) {
        Generation g;
        Status st;
        synchronized (this) {
            g = gen;
            st = snapshot();
        }
        MessageDigest md;
        synchronized (g) {
            try {
                md = g.dirty || g.offset != st.offset() ? null : (MessageDigest) g.md.clone();
            } catch (CloneNotSupportedException e) {
                md = null;
            }
        }
        store.closedIngests().remember(ref, mtime, st, md);
    }

    @Override
    public Mono<Void> close() {
        return end("closed", false);
    }

    /** Ends the writer because its ref was aborted: the ingest is removed. */
    Mono<Void> abort() {
        return end("aborted", true);
    }

    private Mono<Void> end(String how, boolean remove) {
        return Mono.defer(() -> {
            Inflight prev;
            Sinks.Empty<Void> ended = Sinks.empty();
            synchronized (this) {
                if (endedBy != null && ending != null && remove && !endedByRemoval) {
                    // An abort while a close is running: once the close is done, the ingest is removed through
                    // the store, under the ref's lock. (A second close does not wait: the first may be waiting
                    // for a write that is itself closing the writer.)
                    return ending.onErrorResume(e -> Mono.empty()).then(store.abort(ref));
                }
                if (endedBy != null) {
                    if (!remove) {
                        return Mono.empty();
                    }
                } else {
                    endedBy = how;
                }
                ending = ended.asMono();
                endedByRemoval = remove;
                prev = inflight;
            }
            Mono<Void> work = (prev == null ? Mono.<Void>empty() : cancel(prev))
                    .then(Mono.<Void>fromCallable(() -> {
                        boolean changed;
                        synchronized (this) {
                            changed = modified;
                        }
                        if (channel.isOpen()) {
                            try {
                                if (!remove && changed) {
                                    // what status reported stays across a power loss, as containerd's Close does
                                    channel.force(false);
                                }
                            } finally {
                                closeChannels();
                            }
                        }
                        if (remove) {
                            IngestFiles.wipe(dir);
                        } else if (changed) {
                            persistUpdatedAt();
                        } else {
                            rememberClosed(openedMtime);
                        }
                        return null;
                    }).subscribeOn(store.blocking()))
                    .onErrorMap(e -> FileErrors.of("ref " + ref + ": " + how, e))
                    .doOnSubscribe(x -> settle(Phase.ENDED, () -> ContentException.unavailable("ref " + ref + ": "
                            + how + " before its commit")))
                    .doOnTerminate(() -> {
                        if (remove) {
                            store.space().dropped(ref);
                        } else {
                            settleSpace();
                        }
                        store.release(this);
                    });
            // Ending runs to its end even when its caller goes away (a dropped connection cancels the close that
            // it caused): the lock is released only once what status reported is on disk, so that the next
            // writer of the ref resumes from exactly that.
            work.subscribe(null, ended::tryEmitError, ended::tryEmitEmpty);
            return ended.asMono();
        });
    }
}
