package io.stowage.content.local;

import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.Ingests;
import io.stowage.content.Labels;
import io.stowage.content.LiveContent;
import io.stowage.content.RefLockEvents;
import io.stowage.content.Refs;
import io.stowage.content.Status;
import io.stowage.content.Verification;
import io.stowage.content.Verifier;
import io.stowage.content.Writer;
import io.stowage.filters.Adaptors;
import io.stowage.filters.Filter;
import io.stowage.filters.Filters;
import io.stowage.metadata.MetadataDb;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A content store on the local file system, following containerd's local store: ingests in per-ref directories
 * guarded by in-process ref locks, committed blobs under their digest, labels and timestamps in the embedded
 * {@link MetadataDb}. The layout is drawn in {@link BlobPaths}.
 *
 * <p>Blob data is written and read through {@link AsynchronousFileChannel}; every other file or database
 * operation runs on the injected bounded scheduler (default {@link Schedulers#boundedElastic()}) or the database
 * thread, never on the caller's thread.
 *
 * <p>With {@code verifyOnRead}, a read of a whole blob re-hashes the bytes as they stream and holds the last chunk
 * back until they match: a mismatch ends the stream with an INTERNAL error (never a clean end, so a reader sees a
 * truncated body) and marks the blob with the label {@value #CORRUPT_LABEL}. {@link #verify} and
 * {@link #verifyAll} re-hash blobs on demand and can move corrupt ones into {@code quarantine/}. Thread-safe.
 */
public final class LocalContentStore implements ContentStore, RefLockEvents, BlobFiles, Verifier, LiveContent,
        LiveFiles {
    private static final Logger log = LoggerFactory.getLogger(LocalContentStore.class);
    /** The label a corrupt blob gets (value: the digest its bytes hash to) when a read or verify finds it. */
    public static final String CORRUPT_LABEL = "stowage.io/corrupt";
    static final int READ_CHUNK = 256 * 1024;
    /**
     * The threads of every data file's asynchronous I/O. The JDK's default pool adds workers under a lock when an
     * I/O is submitted, which can park an event loop; this pool has all its threads started up front and a
     * scheduled executor's queue, so submitting never takes a contended lock.
     */
    private static final ScheduledThreadPoolExecutor FILE_IO = fileIoPool();

    private static ScheduledThreadPoolExecutor fileIoPool() {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(
                Math.max(4, Runtime.getRuntime().availableProcessors() * 2), r -> {
                    Thread t = new Thread(r, "stowage-file-io-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.prestartAllCoreThreads();
        return pool;
    }

    private final BlobPaths paths;
    private final Scheduler blocking;
    private final MetadataDb db;
    private final BlobRecords records;
    private final boolean ownsDb;
    private final IngestLocks locks = new IngestLocks();
    private final ClosedIngests closedIngests = new ClosedIngests();
    private final DirectorySyncs directorySyncs = new DirectorySyncs();
    private final ConcurrentMap<String, LocalWriter> writers = new ConcurrentHashMap<>();
    /** Open writers by the digest they declared: what live readers follow. */
    private final ConcurrentMap<Digest, LocalWriter> live = new ConcurrentHashMap<>();
    private final Object[] digestLocks = new Object[64];
    private final boolean verifyOnRead;
    private final StoreSpace space = new StoreSpace();
    private final ReadTimes readTimes;
    private final RootLock rootLock;
    private final DirectWrites direct;

    private LocalContentStore(Prepared prepared, Scheduler blocking, MetadataDb db, boolean ownsDb,
                              boolean verifyOnRead) {
        this.paths = prepared.paths();
        this.rootLock = prepared.lock();
        this.direct = prepared.direct();
        this.verifyOnRead = verifyOnRead;
        this.blocking = blocking;
        this.db = db;
        this.ownsDb = ownsDb;
        this.records = new BlobRecords(db);
        this.readTimes = new ReadTimes(db);
        for (int i = 0; i < digestLocks.length; i++) {
            digestLocks[i] = new Object();
        }
    }

    /**
     * Opens (creating if needed) the store under {@code root}. Blocks briefly: call it at start-up. One store per
     * root: FAILED_PRECONDITION while another one, in this process or another, holds it ({@link RootLock}).
     */
    public static LocalContentStore open(Path root) {
        return open(root, Schedulers.boundedElastic());
    }

    /** As {@link #open(Path)}, running blocking file operations on {@code blocking}. */
    public static LocalContentStore open(Path root, Scheduler blocking) {
        Prepared p = prepare(root, false);
        MetadataDb db;
        try {
            db = MetadataDb.open(p.paths().metadataDb());
        } catch (RuntimeException e) {
            p.lock().close();
            throw e;
        }
        return new LocalContentStore(p, blocking, db, true, false);
    }

    /**
     * As {@link #open(Path, Scheduler)}, keeping labels and timestamps in a shared metadata database that the
     * caller owns (the store does not close it).
     */
    public static LocalContentStore open(Path root, Scheduler blocking, MetadataDb db) {
        return open(root, blocking, db, false);
    }

    /** As {@link #open(Path, Scheduler, MetadataDb)}; {@code verifyOnRead} re-hashes every whole-blob read. */
    public static LocalContentStore open(Path root, Scheduler blocking, MetadataDb db, boolean verifyOnRead) {
        return open(root, blocking, db, verifyOnRead, false);
    }

    /**
     * As {@link #open(Path, Scheduler, MetadataDb, boolean)}; with {@code directWrites}, ingest data is written past
     * the page cache where the file system allows it ({@link #writesDirect()}): the server's default, where it
     * saves the copy into freshly allocated cache pages, while an in-process ingest whose cache pages are recycled
     * is faster through the cache (benchmarks/README.md, profiling item 9). The other overloads write buffered.
     */
    public static LocalContentStore open(Path root, Scheduler blocking, MetadataDb db, boolean verifyOnRead,
                                         boolean directWrites) {
        return new LocalContentStore(prepare(root, directWrites), blocking, db, false, verifyOnRead);
    }

    /** A root made ready for a store: its layout, and the lock that keeps other stores off it. */
    private record Prepared(BlobPaths paths, RootLock lock, DirectWrites direct) {
    }

    private static Prepared prepare(Path root, boolean directWrites) {
        BlobPaths paths = new BlobPaths(root.toAbsolutePath());
        RootLock lock;
        try {
            lock = RootLock.acquire(paths.root());
        } catch (IOException e) {
            throw FileErrors.of("store root " + root, e);
        }
        try {
            Files.createDirectories(paths.blobsDir());
            Files.createDirectories(paths.ingestRoot());
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(paths.ingestRoot())) {
                for (Path p : ds) {
                    if (p.getFileName().toString().startsWith(".tmp-")) {
                        IngestFiles.wipe(p);
                    } else if (IngestFiles.read(p) == null) {
                        // left by a crash after a commit's rename, or in the middle of a removal
                        log.info("removing the broken ingest directory {}", p);
                        IngestFiles.wipe(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw FileErrors.of("store root " + root, e);
        }
        return new Prepared(paths, lock, DirectWrites.probe(paths.ingestRoot(),
                directWrites && DirectWrites.wanted()));
    }

    /** The root directory of this store. */
    public Path root() {
        return paths.root();
    }

    /** The quota of this store: bytes in use, the limit, the eviction run when a write does not fit. */
    public StoreSpace space() {
        return space;
    }

    /**
     * Limits the store to {@code maxBytes} ({@link StoreSpace}), counting what it holds now. Blocking: call it at
     * start-up, before writers are opened. INVALID_ARGUMENT when not positive.
     */
    public void limitSize(long maxBytes) {
        space.limit(maxBytes, paths);
    }

    /**
     * Writes the read times noted since the last flush to the metadata table {@code content_reads}
     * ({@code digest}, {@code read_at} in ms), where eviction looks for the least recently read content.
     */
    public Mono<Void> flushReadTimes() {
        return readTimes.flush();
    }

    @Override
    public void noteRead(Digest digest) {
        readTimes.record(digest);
    }

    Scheduler blocking() {
        return blocking;
    }

    DirectWrites directWrites() {
        return direct;
    }

    /** Whether ingest data is written past the page cache on this root ({@link DirectWrites}). */
    public boolean writesDirect() {
        return direct.enabled();
    }

    ClosedIngests closedIngests() {
        return closedIngests;
    }

    @Override
    public Path blobFile(Digest digest) {
        return paths.blob(digest);
    }

    @Override
    public boolean verifiesReads() {
        return verifyOnRead;
    }

    // ---- Provider

    @Override
    public Flux<ByteBuffer> read(Digest digest, long offset, long length) {
        if (offset < 0) {
            return Flux.error(ContentException.invalidArgument("read " + digest + ": negative offset " + offset));
        }
        Path file = paths.blob(digest);
        return Flux.usingWhen(
                Mono.fromCallable(() -> AsynchronousFileChannel.open(file, Set.of(StandardOpenOption.READ), FILE_IO))
                        .subscribeOn(blocking)
                        .onErrorMap(NoSuchFileException.class,
                                e -> ContentException.notFound("content " + digest + ": not found"))
                        .doOnNext(ch -> readTimes.record(digest)),
                ch -> readRange(digest, ch, offset, length),
                ch -> Mono.fromRunnable(() -> closeQuietly(ch)));
    }

    private Flux<ByteBuffer> readRange(Digest digest, AsynchronousFileChannel ch, long offset, long length) {
        return Mono.fromCallable(ch::size).flatMapMany(size -> {
            long end = length < 0 ? size : Math.min(size, offset + length);
            Flux<ByteBuffer> chunks = offset >= end ? Flux.empty()
                    : Flux.<Long, Long>generate(() -> offset, (pos, sink) -> {
                        sink.next(pos);
                        long next = pos + READ_CHUNK;
                        if (next >= end) {
                            sink.complete();
                        }
                        return next;
                    }).concatMap(pos -> readChunk(ch, pos, (int) Math.min(READ_CHUNK, end - pos)), 1);
            return verifyOnRead && offset == 0 && end == size ? verified(digest, chunks) : chunks;
        });
    }

    /**
     * The chunks of a whole blob, hashed as they pass; the last one is held back until the digest matches, so a
     * corrupt blob never reads as complete: its stream ends with an error (and the blob gets its label).
     */
    private Flux<ByteBuffer> verified(Digest digest, Flux<ByteBuffer> chunks) {
        return Flux.defer(() -> {
            MessageDigest md = Digest.newMessageDigest(digest.algorithm());
            ByteBuffer[] held = {null};
            return chunks.concatMap(buf -> {
                md.update(buf.duplicate());
                ByteBuffer previous = held[0];
                held[0] = buf;
                return previous == null ? Mono.<ByteBuffer>empty() : Mono.just(previous);
            }, 1).concatWith(Mono.defer(() -> {
                Digest actual = Digest.fromBytes(digest.algorithm(), md.digest());
                if (actual.equals(digest)) {
                    return Mono.justOrEmpty(held[0]);
                }
                log.error("content {} is corrupt: its bytes hash to {}", digest, actual);
                return markCorrupt(digest, actual).then(Mono.error(corrupt(digest, actual)));
            }));
        });
    }

    private static ContentException corrupt(Digest digest, Digest actual) {
        return ContentException.internal("content " + digest + ": corrupt, its bytes hash to " + actual
                + " (labelled " + CORRUPT_LABEL + "; 'stowage content verify --quarantine' moves it aside)", null);
    }

    private Mono<Void> markCorrupt(Digest digest, Digest actual) {
        return update(Info.ofLabels(digest, Map.of(CORRUPT_LABEL, actual.toString())), "labels." + CORRUPT_LABEL)
                .then()
                .onErrorResume(e -> {
                    log.warn("labelling the corrupt content {} failed: {}", digest, e.toString());
                    return Mono.empty();
                });
    }

    // ---- Verifier

    @Override
    public Mono<Verification> verify(Digest digest, boolean quarantine) {
        return Mono.fromCallable(() -> check(digest, quarantine))
                .subscribeOn(blocking)
                .onErrorMap(e -> FileErrors.of("verify " + digest, e));
    }

    @Override
    public Flux<Verification> verifyAll(boolean quarantine) {
        return listBlobs().concatMap(d -> verify(d, quarantine)
                .onErrorResume(e -> ContentException.is(e, io.stowage.content.ErrorCode.NOT_FOUND),
                        e -> Mono.empty()), 1);
    }

    /** Re-hashes one blob file; blocking. A corrupt one is labelled, or moved to quarantine. */
    private Verification check(Digest digest, boolean quarantine) throws IOException {
        Path file = paths.blob(digest);
        long size;
        MessageDigest md;
        try {
            size = Files.size(file);
            md = hashFile(file, size, digest.algorithm());
        } catch (NoSuchFileException e) {
            throw ContentException.notFound("content " + digest + ": not found");
        }
        Digest actual = Digest.fromBytes(digest.algorithm(), md.digest());
        if (actual.equals(digest)) {
            return new Verification(digest, size, actual, false);
        }
        if (!quarantine) {
            log.error("content {} is corrupt: its bytes hash to {}", digest, actual);
            markCorrupt(digest, actual).block();
            return new Verification(digest, size, actual, false);
        }
        synchronized (digestLock(digest)) {
            Path target = paths.quarantined(digest);
            Files.createDirectories(target.getParent());
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                throw ContentException.notFound("content " + digest + ": not found");
            }
            records.delete(digest).block();
            log.error("content {} is corrupt (its bytes hash to {}): moved to {}", digest, actual, target);
        }
        return new Verification(digest, size, actual, true);
    }

    static Mono<ByteBuffer> readChunk(AsynchronousFileChannel ch, long pos, int len) {
        return Mono.create(sink -> {
            ByteBuffer buf = ByteBuffer.allocate(len);
            ch.read(buf, pos, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer n, Void att) {
                    if (n < 0 || !buf.hasRemaining()) {
                        sink.success(buf.flip());
                    } else {
                        ch.read(buf, pos + buf.position(), null, this);
                    }
                }

                @Override
                public void failed(Throwable e, Void att) {
                    sink.error(FileErrors.of("read at " + pos, e));
                }
            });
        });
    }

    // ---- LiveContent

    @Override
    public Mono<Long> liveSize(Digest digest) {
        return Mono.defer(() -> {
            LocalWriter w = live.get(digest);
            if (w != null && w.total() > 0) {
                return info(digest).map(Info::size)
                        .onErrorResume(e -> ContentException.is(e, ErrorCode.NOT_FOUND), e -> Mono.just(w.total()));
            }
            return info(digest).map(Info::size);
        });
    }

    @Override
    public Flux<ByteBuffer> readLive(Digest digest, long offset, long length) {
        if (offset < 0) {
            return Flux.error(ContentException.invalidArgument("read " + digest + ": negative offset " + offset));
        }
        return Flux.defer(() -> {
            LocalWriter w = live.get(digest);
            if (w == null) {
                return read(digest, offset, length);
            }
            return Mono.fromCallable(() -> AsynchronousFileChannel.open(w.dataFile(),
                            Set.of(StandardOpenOption.READ), FILE_IO))
                    .subscribeOn(blocking)
                    .map(java.util.Optional::of)
                    // committed (renamed) or removed meanwhile: what is committed answers
                    .onErrorResume(NoSuchFileException.class, e -> Mono.just(java.util.Optional.empty()))
                    .flatMapMany(ch -> ch.isEmpty() ? read(digest, offset, length)
                            : Flux.usingWhen(Mono.just(ch.get()),
                                    c -> LiveRead.follow(w, c, digest, offset, length),
                                    c -> Mono.fromRunnable(() -> closeQuietly(c))));
        });
    }

    @Override
    public Mono<LiveFile> openLive(Digest digest, long offset, long length) {
        if (offset < 0) {
            return Mono.error(ContentException.invalidArgument("read " + digest + ": negative offset " + offset));
        }
        return Mono.defer(() -> {
            LocalWriter w = live.get(digest);
            Mono<LiveFile> committed = Mono.fromCallable(() -> {
                FileChannel fc = FileChannel.open(paths.blob(digest), StandardOpenOption.READ);
                long end = length < 0 ? fc.size() : Math.min(fc.size(), offset + length);
                Flux<long[]> spans = offset >= end ? Flux.empty() : Flux.just(new long[] {offset, end - offset});
                return (LiveFile) new OpenLiveFile(fc, spans);
            }).subscribeOn(blocking).onErrorMap(NoSuchFileException.class,
                    e -> ContentException.notFound("content " + digest + ": not found"));
            if (w == null) {
                return committed;
            }
            return Mono.fromCallable(() -> (LiveFile) new OpenLiveFile(
                            FileChannel.open(w.dataFile(), StandardOpenOption.READ),
                            LiveRead.spans(w, digest, offset, length)))
                    .subscribeOn(blocking)
                    // committed (renamed) or removed meanwhile: what is committed answers
                    .onErrorResume(NoSuchFileException.class, e -> committed);
        });
    }

    /** A file and its spans; the file is closed once. */
    private static final class OpenLiveFile implements LiveFile {
        private final FileChannel channel;
        private final Flux<long[]> spans;

        OpenLiveFile(FileChannel channel, Flux<long[]> spans) {
            this.channel = channel;
            this.spans = spans;
        }

        @Override
        public FileChannel channel() {
            return channel;
        }

        @Override
        public Flux<long[]> spans() {
            return spans;
        }

        @Override
        public void close() {
            closeQuietly(channel);
        }
    }

    // ---- ContentManager

    @Override
    public Mono<Info> info(Digest digest) {
        return records.get(digest).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .flatMap(row -> Mono.fromCallable(() -> {
                    BasicFileAttributes a = statBlob(digest);
                    return row.orElseGet(() -> synthesised(digest, a));
                }).subscribeOn(blocking));
    }

    @Override
    public Mono<Info> update(Info info, String... fieldpaths) {
        return Mono.defer(() -> {
            Labels.validate(info.labels());
            for (String fp : fieldpaths) {
                if (!fp.equals("labels") && !(fp.startsWith("labels.") && fp.length() > "labels.".length())) {
                    throw ContentException.invalidArgument("update " + info.digest() + ": cannot update field "
                            + fp + " (only labels and labels.<key> are mutable)");
                }
            }
            Digest d = info.digest();
            return Mono.fromCallable(() -> synthesised(d, statBlob(d))).subscribeOn(blocking)
                    .flatMap(absent -> records.update(d, absent, current -> {
                        Map<String, String> labels = applyLabels(current.labels(), info.labels(), fieldpaths);
                        Labels.validate(labels);
                        return current.withLabels(labels, later(current.updatedAt()));
                    }));
        });
    }

    static Map<String, String> applyLabels(Map<String, String> current, Map<String, String> given,
                                           String... fieldpaths) {
        if (fieldpaths.length == 0) {
            return given;
        }
        Map<String, String> out = new HashMap<>(current);
        for (String fp : fieldpaths) {
            if (fp.equals("labels")) {
                out = new HashMap<>(given);
                continue;
            }
            String key = fp.substring("labels.".length());
            String value = given.get(key);
            if (value == null) {
                out.remove(key);
            } else {
                out.put(key, value);
            }
        }
        return out;
    }

    @Override
    public Flux<Info> walk(List<String> filters) {
        return Flux.defer(() -> {
            Filter filter = Filters.parse(filters);
            return listBlobs()
                    .buffer(256)
                    .concatMap(batch -> records.getAll(batch).flatMapMany(rows -> Flux.fromIterable(batch)
                            .concatMap(d -> rows.containsKey(d) ? Mono.just(rows.get(d))
                                    : Mono.fromCallable(() -> synthesised(d, statBlob(d)))
                                    .subscribeOn(blocking)
                                    .onErrorResume(e -> ContentException.is(e, io.stowage.content.ErrorCode.NOT_FOUND),
                                            e -> Mono.empty()))), 1)
                    .filter(info -> filter.matches(Adaptors.forInfo(info)));
        });
    }

    private Flux<Digest> listBlobs() {
        return Flux.fromIterable(List.of(Digest.SHA256, Digest.SHA512))
                .concatMap(alg -> Flux.using(
                        () -> Files.isDirectory(paths.blobDir(alg))
                                ? Files.newDirectoryStream(paths.blobDir(alg)) : null,
                        ds -> ds == null ? Flux.<Path>empty() : Flux.fromIterable(ds),
                        ds -> {
                            if (ds != null) {
                                closeQuietly(ds);
                            }
                        })
                        .subscribeOn(blocking)
                        .<Digest>handle((p, sink) -> {
                            try {
                                sink.next(new Digest(alg, p.getFileName().toString()));
                            } catch (ContentException e) {
                                // not a blob (a stray file): skip it
                            }
                        }));
    }

    @Override
    public Mono<Void> delete(Digest digest) {
        // The file goes first: a crash in between leaves a row without a blob, which is invisible.
        return Mono.<Void>fromCallable(() -> {
            synchronized (digestLock(digest)) {
                long size;
                try {
                    size = Files.size(paths.blob(digest));
                    Files.delete(paths.blob(digest));
                } catch (NoSuchFileException e) {
                    throw ContentException.notFound("content " + digest + ": not found");
                }
                space.removed(size);
                CrashPoints.reach("delete.unlinked");
                records.delete(digest).block();
            }
            return null;
        }).subscribeOn(blocking).onErrorMap(e -> FileErrors.of("delete " + digest, e));
    }

    // ---- IngestManager

    @Override
    public Mono<Status> status(String ref) {
        return Mono.defer(() -> {
            Refs.validate(ref);
            LocalWriter w = writers.get(ref);
            if (w != null) {
                return Mono.just(w.snapshot());
            }
            return Mono.fromCallable(() -> {
                Path dir = paths.ingestDir(ref);
                BasicFileAttributes data = dataAttributes(dir);
                ClosedIngests.Closed known = closedMatching(ref, dir, data);
                Status st = known != null ? known.status() : data == null ? null : IngestFiles.read(dir);
                if (st == null || !st.ref().equals(ref)) {
                    throw ContentException.notFound("ingest " + ref + ": not found");
                }
                return st;
            }).subscribeOn(blocking);
        });
    }

    @Override
    public Flux<Status> listStatuses(List<String> filters) {
        return Flux.defer(() -> {
            Filter filter = Filters.parse(filters);
            return Flux.using(() -> Files.newDirectoryStream(paths.ingestRoot()),
                            ds -> Flux.fromIterable(ds), LocalContentStore::closeQuietly)
                    .subscribeOn(blocking)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .<Status>handle((p, sink) -> {
                        Status st = IngestFiles.read(p);
                        if (st != null) {
                            LocalWriter w = writers.get(st.ref());
                            sink.next(w != null ? w.snapshot() : st);
                        }
                    })
                    .filter(st -> filter.matches(Adaptors.forStatus(st)));
        });
    }

    @Override
    public Mono<Void> abort(String ref) {
        return Mono.defer(() -> {
            Refs.validate(ref);
            LocalWriter w = writers.get(ref);
            if (w != null) {
                return w.abort();
            }
            locks.lock(ref);
            return Mono.<Void>fromCallable(() -> {
                Path dir = paths.ingestDir(ref);
                if (!IngestFiles.exists(dir)) {
                    throw ContentException.notFound("ingest " + ref + ": not found");
                }
                IngestFiles.wipe(dir);
                closedIngests.forget(ref);
                space.dropped(ref);
                return null;
            }).subscribeOn(blocking)
                    .onErrorMap(e -> FileErrors.of("abort " + ref, e))
                    .doFinally(s -> locks.unlock(ref));
        });
    }

    // ---- Ingester

    @Override
    public Mono<Writer> writer(String ref, long total, Digest expected) {
        return expiringWriter(ref, total, expected, null);
    }

    @Override
    public Mono<Writer> expiringWriter(String ref, long total, Digest expected, java.time.Duration expiry) {
        return Mono.defer(() -> {
            Refs.validate(ref);
            if (total < 0) {
                throw ContentException.invalidArgument("ref " + ref + ": negative total " + total);
            }
            io.stowage.content.Ingester.validateExpiry(ref, expiry);
            locks.lock(ref);
            return Mono.fromCallable(() -> openWriter(ref, total, expected, expiry))
                    .subscribeOn(blocking)
                    .onErrorMap(e -> FileErrors.of("ref " + ref + ": open", e))
                    .doOnError(e -> {
                        if (ContentException.is(e, io.stowage.content.ErrorCode.ALREADY_EXISTS)) {
                            space.dropped(ref);
                        }
                    })
                    // a predeclared total is reserved whole; the data already written stays when it does not fit
                    .flatMap(w -> space.claim(ref, Math.max(w.snapshot().total(), w.snapshot().offset()))
                            .thenReturn(w)
                            .onErrorResume(e -> w.close().onErrorResume(x -> Mono.empty()).then(Mono.error(e))))
                    .doOnNext(w -> {
                        writers.put(ref, w);
                        if (w.expected() != null) {
                            live.putIfAbsent(w.expected(), w);
                        }
                    })
                    .doOnError(e -> locks.unlock(ref))
                    .doOnCancel(() -> locks.unlock(ref))
                    .map(w -> (Writer) w);
        });
    }

    /**
     * Waits for a locked ref without polling: each refusal waits for the holder's release ({@link IngestLocks}),
     * then tries again; the whole wait is bounded by {@code waitUpTo}.
     */
    @Override
    public Mono<Writer> writer(String ref, long total, Digest expected, java.time.Duration waitUpTo,
                               java.time.Duration expiry) {
        Objects.requireNonNull(waitUpTo, "waitUpTo");
        if (waitUpTo.isZero() || waitUpTo.isNegative()) {
            return expiringWriter(ref, total, expected, expiry);
        }
        return Mono.defer(() -> {
            Throwable[] last = {null};
            return waitingWriter(ref, total, expected, expiry, last)
                    .timeout(waitUpTo, Mono.error(() -> Ingests.stillLocked(ref, waitUpTo, last[0])));
        });
    }

    private Mono<Writer> waitingWriter(String ref, long total, Digest expected, java.time.Duration expiry,
                                       Throwable[] last) {
        // only the lock refuses with UNAVAILABLE here; whenUnlocked completes at once if it was just released
        return expiringWriter(ref, total, expected, expiry).onErrorResume(e -> ContentException.is(e, ErrorCode.UNAVAILABLE), e -> {
                    last[0] = e;
                    return locks.whenUnlocked(ref).then(Mono.defer(() -> waitingWriter(ref, total, expected, expiry, last)));
                });
    }

    private LocalWriter openWriter(String ref, long total, Digest expected, java.time.Duration expiry)
            throws IOException {
        Path dir = paths.ingestDir(ref);
        if (expected != null && Files.exists(paths.blob(expected))) {
            closedIngests.forget(ref);
            IngestFiles.wipe(dir);
            throw ContentException.alreadyExists("content " + expected + ": already exists");
        }
        BasicFileAttributes data = dataAttributes(dir);
        ClosedIngests.Closed known = closedMatching(ref, dir, data);
        // the writer's close remembers the ingest afresh; whatever was remembered is used now or never
        closedIngests.forget(ref);
        Status st = known != null ? known.status() : data == null ? null : IngestFiles.read(dir);
        if (st != null && !st.ref().equals(ref)) {
            st = null;
        }
        if (st != null && total > 0 && st.total() > 0 && total != st.total()) {
            log.debug("ref {}: total {} differs from stored {}, restarting the ingest", ref, total, st.total());
            st = null;
        }
        Digest declared = expected != null ? expected : st != null ? st.expected() : null;
        String alg = declared != null ? declared.algorithm() : Digest.SHA256;
        FileTime mtime;
        MessageDigest md;
        if (st == null) {
            Instant now = Instant.now();
            IngestFiles.create(paths.ingestRoot(), dir, ref, now, total, expected, expiry);
            st = new Status(ref, 0, total, expected, now, now, expiry);
            mtime = FileTime.from(now);
            md = Digest.newMessageDigest(alg);
        } else {
            long t = total > 0 ? total : st.total();
            Digest e = expected != null ? expected : st.expected();
            java.time.Duration x = expiry != null ? expiry : st.expiry();
            Status redeclared = new Status(ref, st.offset(), t, e, st.startedAt(), st.updatedAt(), x);
            if (t != st.total() || !Objects.equals(e, st.expected()) || !Objects.equals(x, st.expiry())) {
                IngestFiles.update(dir, redeclared);
            }
            st = redeclared;
            mtime = data.lastModifiedTime();
            md = known != null ? known.md(Digest.newMessageDigest(alg).getAlgorithm()) : null;
            if (md == null) {
                md = hashFile(dir.resolve(IngestFiles.DATA), st.offset(), alg);
            }
        }
        Path file = dir.resolve(IngestFiles.DATA);
        AsynchronousFileChannel ch = AsynchronousFileChannel.open(file,
                Set.of(StandardOpenOption.WRITE, StandardOpenOption.READ), FILE_IO);
        return new LocalWriter(this, ref, dir, ch, direct.open(file, FILE_IO), st, mtime, md);
    }

    /**
     * What this process remembers of {@code ref} from its last close, when the data file ({@code data}, null when
     * absent) and the ingest's essential files say nothing changed since; else null. Blocking.
     */
    private ClosedIngests.Closed closedMatching(String ref, Path dir, BasicFileAttributes data) {
        if (data == null) {
            return null;
        }
        // memory first: on a miss the caller reads the directory anyway, so checking it here would read it twice
        ClosedIngests.Closed known = closedIngests.get(ref, data.size(), data.lastModifiedTime());
        return known != null && IngestFiles.complete(dir) ? known : null;
    }

    /** The attributes of an ingest's data file, or null when there is none. Blocking. */
    private static BasicFileAttributes dataAttributes(Path dir) {
        try {
            return Files.readAttributes(dir.resolve(IngestFiles.DATA), BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** Hashes the first {@code length} bytes of a file. Blocking. */
    MessageDigest hashFile(Path file, long length, String algorithm) throws IOException {
        MessageDigest md = Digest.newMessageDigest(algorithm);
        if (length == 0) {
            return md;
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
            long left = length;
            while (left > 0) {
                buf.clear().limit((int) Math.min(buf.capacity(), left));
                int n = fc.read(buf);
                if (n < 0) {
                    break;
                }
                md.update(buf.flip());
                left -= n;
            }
        }
        return md;
    }

    /**
     * Publishes a verified ingest under its digest, the commit's last step. Blocking; called by the writer on
     * commit with its data file synced and closed. The order makes a commit all or nothing across a crash:
     * <ol>
     *   <li>the metadata row (size, labels, timestamps) is stored: a row without a blob file is invisible;</li>
     *   <li>the data file is made read-only and renamed to {@code blobs/<alg>/<hex>}: the blob appears, complete
     *       and with its labels, in one atomic step;</li>
     *   <li>the blob directory is synced, so the rename survives a power loss (one sync covers the renames of
     *       all commits waiting for it, {@link DirectorySyncs});</li>
     *   <li>the ingest directory is renamed away and removed in the background (a crash before leaves a directory
     *       without data, a crash after a {@code .tmp-*} directory: both are removed on open).</li>
     * </ol>
     * Commits and deletes of one digest are serialised ({@link #digestLock}), so a concurrent delete cannot
     * separate a blob from its row.
     */
    Info publish(Path ingestDir, Digest digest, long size, Map<String, String> labels) throws IOException {
        Path target = paths.blob(digest);
        synchronized (digestLock(digest)) {
            if (Files.exists(target)) {
                IngestFiles.wipe(ingestDir);
                throw ContentException.alreadyExists("content " + digest + ": already exists");
            }
            CrashPoints.reach("commit.synced");
            Instant now = Instant.now();
            Info info = new Info(digest, size, now, now, labels);
            records.put(info).block();
            CrashPoints.reach("commit.recorded");
            Path data = ingestDir.resolve(IngestFiles.DATA);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r--r--r--"));
            Path dir = target.getParent();
            if (!Files.isDirectory(dir)) {
                // createDirectories on an existing directory fails and catches an exception inside
                Files.createDirectories(dir);
            }
            try {
                Files.move(data, target);
            } catch (FileAlreadyExistsException e) {
                IngestFiles.wipe(ingestDir);
                throw ContentException.alreadyExists("content " + digest + ": already exists");
            } catch (IOException | RuntimeException e) {
                // the row stays: without a blob file it is invisible, and the next commit replaces it
                Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rw-r--r--"));
                throw e;
            }
            CrashPoints.reach("commit.renamed");
            directorySyncs.sync(dir);
            CrashPoints.reach("commit.published");
            discard(ingestDir);
            return info;
        }
    }

    /**
     * Takes a finished ingest directory off its ref's path: removed at once when the data was all it held (its
     * declaration is an attribute of the directory, {@link IngestFiles}), else renamed away with one rename and its
     * files removed in the background; a crash in between leaves a {@code .tmp-*} directory, which {@link #open}
     * wipes.
     */
    private void discard(Path ingestDir) throws IOException {
        try {
            Files.delete(ingestDir);
            return;
        } catch (DirectoryNotEmptyException e) {
            // a status file, or the files of the old layout
        }
        Path trash = paths.ingestRoot().resolve(".tmp-" + UUID.randomUUID());
        Files.move(ingestDir, trash, StandardCopyOption.ATOMIC_MOVE);
        blocking.schedule(() -> {
            try {
                IngestFiles.wipe(trash);
            } catch (IOException e) {
                log.debug("removing {} failed; open() will", trash, e);
            }
        });
    }

    /** The monitor serialising commits and deletes of one digest (striped: a few digests share one). */
    private Object digestLock(Digest digest) {
        return digestLocks[Math.floorMod(digest.hex().hashCode(), digestLocks.length)];
    }

    /** Ends a writer's hold on its ref; idempotent. */
    void release(LocalWriter w) {
        Digest e = w.expected();
        if (e != null) {
            live.remove(e, w);
        }
        if (writers.remove(w.ref(), w)) {
            locks.unlock(w.ref());
        }
    }

    @Override
    public Mono<Void> whenUnlocked(String ref) {
        return locks.whenUnlocked(ref);
    }

    private BasicFileAttributes statBlob(Digest d) throws IOException {
        try {
            return Files.readAttributes(paths.blob(d), BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw ContentException.notFound("content " + d + ": not found");
        }
    }

    private static Info synthesised(Digest d, BasicFileAttributes a) {
        Instant t = a.lastModifiedTime().toInstant();
        return new Info(d, a.size(), t, t, Map.of());
    }

    private static Instant later(Instant previous) {
        Instant now = Instant.now();
        return previous == null || now.isAfter(previous) ? now : previous.plusNanos(1);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("close failed", e);
        }
    }

    @Override
    public void close() {
        List<LocalWriter> open = new ArrayList<>(writers.values());
        Flux.fromIterable(open).flatMap(w -> w.close().onErrorResume(e -> Mono.empty())).blockLast();
        readTimes.close();
        try {
            readTimes.flush().block(java.time.Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            log.debug("flushing read times on close failed", e);
        }
        if (ownsDb) {
            db.close();
        }
        rootLock.close();
    }
}
