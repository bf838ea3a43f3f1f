package io.stowage.registry;

import io.stowage.content.BlobSource;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.Ingests;
import io.stowage.content.LiveContent;
import io.stowage.transfer.BlobState;
import io.stowage.transfer.Reference;
import io.stowage.transfer.TransferOptions;
import io.stowage.transfer.Upstream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The pull-through side of the registry: manifests and blobs missing locally are fetched from the upstream of
 * the repository's {@link MirrorRoute}.
 *
 * <p>A blob is fetched once, however many clients ask: the first request starts the fetch, detached from any
 * client (a client going away does not cancel it), into the ingest {@code pull-<digest>} with size and digest
 * predeclared ({@link Upstream#fetch}); every request meanwhile joins it and, once the ingest's writer is open,
 * follows the ingest as it grows ({@link LiveContent#readLive}). A store that cannot follow ingests serves the
 * blob once committed. A failed fetch fails the requests waiting for it and is tried again by the next request.
 *
 * <p>A manifest by digest is immutable: fetched once, then served locally. A manifest by tag is served locally
 * for the route's {@code tagTtl} after it was last fetched or revalidated (in this process: after a restart each
 * tag is revalidated once), then fetched again; while the upstream is unreachable the local copy is served.
 * Concurrent requests for the same manifest share one upstream request. Thread-safe.
 */
final class Mirror implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Mirror.class);

    /** A local repository's upstream: the route, its client, and the upstream repository name. */
    record Target(MirrorRoute route, Upstream upstream, String repository) {
        Reference reference(String tag, Digest digest) {
            return new Reference(route.registry(), repository, tag, digest);
        }
    }

    private record Entry(MirrorRoute route, Upstream upstream) {
    }

    /** One blob fetch in flight: {@code readable} emits the size once clients can read (or follow) it. */
    private static final class Fetch {
        final Sinks.One<Long> readable = Sinks.one();
        final AtomicBoolean started = new AtomicBoolean();
    }

    private final ContentStore store;
    private final RegistryTables tables;
    private final List<Entry> entries;
    private final ConcurrentMap<Digest, Fetch> blobs = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Mono<ManifestRecord>> manifests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Instant> validated = new ConcurrentHashMap<>();

    private Mirror(ContentStore store, RegistryTables tables, List<Entry> entries) {
        this.store = store;
        this.tables = tables;
        this.entries = entries;
    }

    /** A mirror over {@code routes} (longest prefix first); no routes: nothing is mirrored. */
    static Mirror of(ContentStore store, RegistryTables tables, List<MirrorRoute> routes, TransferOptions base) {
        List<Entry> entries = new ArrayList<>();
        routes.stream().sorted(Comparator.comparingInt((MirrorRoute r) -> r.prefix().length()).reversed())
                .forEach(r -> entries.add(new Entry(r, Upstream.create(store, base.withPlainHttp(r.plainHttp())
                        .withCredentials(r.credentials())))));
        return new Mirror(store, tables, List.copyOf(entries));
    }

    /** The upstream of local repository {@code name}, if a route covers it. */
    Optional<Target> target(String name) {
        for (Entry e : entries) {
            if (e.route().covers(name)) {
                String upstreamName = e.route().upstreamName(name);
                return upstreamName == null ? Optional.empty()
                        : Optional.of(new Target(e.route(), e.upstream(), upstreamName));
            }
        }
        return Optional.empty();
    }

    // ---- blobs

    /**
     * Makes blob {@code digest} of {@code name} readable: present, or being fetched (one fetch for every
     * request); emits its size once it can be read ({@link LiveContent#readLive} on a store that follows ingests,
     * {@code read} on others) and links it to the repository. Errors: BLOB_UNKNOWN when the upstream has no such
     * blob, UNAVAILABLE (upstream) or UNKNOWN (upstream) when it cannot be fetched.
     */
    Mono<Long> blob(Target t, String name, Digest digest) {
        // the link is held before the store is asked, as an upload holds it: a collection running meanwhile then
        // keeps a blob found present (see RegistryTables.hold)
        return tables.holding(tables.hold(name, digest), h -> Mono.defer(() -> {
                    Fetch f = blobs.computeIfAbsent(digest, d -> new Fetch());
                    if (f.started.compareAndSet(false, true)) {
                        start(t, digest, f);
                    }
                    return f.readable.asMono();
                }).flatMap(size -> tables.keep(h).thenReturn(size)))
                .onErrorMap(e -> upstreamError(e, RegistryError.BLOB_UNKNOWN.withDetail(Map.of("name", name,
                        "digest", digest.toString()))));
    }

    private void start(Target t, Digest digest, Fetch f) {
        boolean live = store instanceof LiveContent;
        store.info(digest).map(Info::size)
                .flatMap(size -> {
                    f.readable.tryEmitValue(size);
                    return Mono.<Void>empty();
                })
                .onErrorResume(e -> ContentException.is(e, ErrorCode.NOT_FOUND), e -> t.upstream()
                        .blob(t.route().registry(), t.repository(), digest)
                        .flatMap(desc -> t.upstream().fetch(t.route().registry(), t.repository(), desc, Map.of(),
                                ev -> {
                                    if (ev.descriptor().digest().equals(digest) && (ev.state() == BlobState.DONE
                                            || ev.state() == BlobState.EXISTS
                                            || (live && ev.state() == BlobState.DOWNLOADING))) {
                                        f.readable.tryEmitValue(desc.size());
                                    }
                                })
                                .then(Mono.fromRunnable(() -> f.readable.tryEmitValue(desc.size())))))
                .subscribe(null, e -> {
                    blobs.remove(digest, f);
                    log.info("mirror: fetching {} from {}/{} failed: {}", digest, t.route().registry(),
                            t.repository(), e.toString());
                    f.readable.tryEmitError(e);
                }, () -> blobs.remove(digest, f));
    }

    // ---- manifests

    /**
     * The manifest {@code ref} of {@code name}: {@code local} when it may be served as is (by digest; by tag
     * within the TTL), else fetched from the upstream (stored and recorded under the tag), falling back to
     * {@code local} while the upstream is unavailable.
     */
    Mono<ManifestRecord> manifest(Target t, String name, ManifestHandlers.Reference ref,
                                  Optional<ManifestRecord> local) {
        if (ref.digest() != null) {
            return local.map(Mono::just).orElseGet(() -> fetchManifest(t, name, ref));
        }
        String key = name + ":" + ref.tag();
        Instant at = validated.get(key);
        if (local.isPresent() && at != null && at.plus(t.route().tagTtl()).isAfter(Instant.now())) {
            return Mono.just(local.get());
        }
        return fetchManifest(t, name, ref).onErrorResume(
                e -> local.isPresent() && ContentException.is(e, ErrorCode.UNAVAILABLE), e -> {
                    log.info("mirror: serving {} from the cache: the upstream is unavailable: {}", key,
                            e.getMessage());
                    return Mono.just(local.get());
                });
    }

    private Mono<ManifestRecord> fetchManifest(Target t, String name, ManifestHandlers.Reference ref) {
        String key = name + (ref.tag() != null ? ":" + ref.tag() : "@" + ref.digest());
        return Mono.defer(() -> {
            Mono<ManifestRecord>[] mine = new Mono[1];
            mine[0] = manifests.computeIfAbsent(key, k -> fetchAndStore(t, name, ref)
                    .doFinally(s -> manifests.remove(k, mine[0]))
                    .cache());
            return mine[0];
        }).onErrorMap(e -> upstreamError(e, ManifestHandlers.unknown(name, ref)));
    }

    private Mono<ManifestRecord> fetchAndStore(Target t, String name, ManifestHandlers.Reference ref) {
        Instant asked = Instant.now();
        return t.upstream().manifest(t.reference(ref.tag(), ref.digest())).flatMap(fm -> {
            Descriptor d = fm.descriptor();
            ManifestDocument doc = ManifestDocument.parse(fm.bytes(), d.mediaType());
            ManifestRecord record = new ManifestRecord(d.digest(), doc.mediaType(), fm.bytes().length,
                    doc.artifactType(), doc.subject() == null ? null : doc.subject().digest(), doc.annotations());
            return Ingests.writeBlob(store, "registry-manifest-" + d.digest().algorithm() + "-" + d.digest().hex(),
                            BlobSource.stream(() -> Mono.just(ByteBuffer.wrap(fm.bytes()))),
                            new Descriptor(doc.mediaType(), d.digest(), fm.bytes().length), Map.of())
                    .then(tables.putManifest(name, record, ref.tag()))
                    .then(Mono.fromRunnable(() -> {
                        if (ref.tag() != null) {
                            validated.put(name + ":" + ref.tag(), asked);
                        }
                    }))
                    .thenReturn(record);
        });
    }

    /**
     * A failure of the upstream as the registry answers it: not found upstream is {@code notFound}; unreachable
     * or failing is 503 UNAVAILABLE; anything else (wrong bytes, unsupported manifest) 502.
     */
    static Throwable upstreamError(Throwable e, RegistryException notFound) {
        if (e instanceof RegistryException) {
            return e;
        }
        if (ContentException.is(e, ErrorCode.NOT_FOUND)) {
            return notFound;
        }
        if (ContentException.is(e, ErrorCode.UNAVAILABLE)) {
            return RegistryError.UPSTREAM_UNAVAILABLE.withDetail(e.getMessage()).header("Retry-After", "1");
        }
        return RegistryError.UPSTREAM_FAILED.withDetail(e.getMessage());
    }

    @Override
    public void close() {
        entries.forEach(e -> e.upstream().close());
    }
}
