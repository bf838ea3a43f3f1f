package io.stowage.registry;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.content.ContentStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.server.RouteProvider;
import io.stowage.transfer.TransferOptions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The OCI Distribution API (distribution-spec 1.1) over a {@link ContentStore}, a {@link RouteProvider} of one route that
 * takes every path under {@code /v2} and dispatches it itself (repository names contain slashes; see
 * {@link V2Target}):
 * <pre>
 *   GET    /v2/                                 200 {}   API version check
 *   GET    /v2/NAME/manifests/REF   HEAD PUT DELETE       {@link ManifestHandlers}
 *   GET    /v2/NAME/blobs/DIGEST    HEAD DELETE           {@link BlobHandlers}
 *   POST   /v2/NAME/blobs/uploads/                        {@link UploadHandlers}
 *   GET    /v2/NAME/blobs/uploads/ID PATCH PUT DELETE     {@link UploadHandlers}
 *   GET    /v2/NAME/tags/list                             {@link ListingHandlers}
 *   GET    /v2/NAME/referrers/DIGEST                      {@link ListingHandlers}
 * </pre>
 * Every answer carries {@code Docker-Distribution-API-Version: registry/2.0}. Errors are the spec's
 * {@code {"errors":[{"code","message","detail"}]}} with the codes and statuses of {@link RegistryError}; bad
 * names, references, digests, ranges and JSON are 4xx, never 500. A method an endpoint does not serve is 405
 * UNSUPPORTED with {@code Allow}.
 *
 * <p>Blobs and manifests are ordinary content of the store; repository links, tags, referrers and upload sessions
 * are tables of the {@link MetadataDb} ({@link RegistryTables}) and survive restarts. Neither is owned: closing
 * them is the caller's business. Handlers never block: the database runs on its own thread, files are opened on
 * the blocking scheduler. Thread-safe.
 */
public final class RegistryRoutes implements RouteProvider, AutoCloseable {
    static final String API_VERSION_VALUE = "registry/2.0";

    private final ManifestHandlers manifests;
    private final BlobHandlers blobs;
    private final UploadHandlers uploads;
    private final ListingHandlers listings;
    private final Mirror mirror;

    private RegistryRoutes(ContentStore store, MetadataDb db, RegistryOptions options, Scheduler blocking,
                           List<MirrorRoute> mirrors, TransferOptions transfer) {
        RegistryTables tables = RegistryTables.open(db);
        this.mirror = Mirror.of(store, tables, mirrors, transfer);
        this.manifests = new ManifestHandlers(store, tables, options, mirror);
        this.blobs = new BlobHandlers(store, tables, options, blocking, mirror);
        this.uploads = new UploadHandlers(store, tables, options);
        this.listings = new ListingHandlers(tables, options);
    }

    /**
     * Routes over {@code store}, keeping registry records in {@code db} (tables created when missing, so this
     * blocks briefly: call it at start-up). Blob files are opened on {@link Schedulers#boundedElastic()}.
     */
    public static RegistryRoutes of(ContentStore store, MetadataDb db, RegistryOptions options) {
        return of(store, db, options, Schedulers.boundedElastic());
    }

    /** As {@link #of(ContentStore, MetadataDb, RegistryOptions)}, opening blob files on {@code blocking}. */
    public static RegistryRoutes of(ContentStore store, MetadataDb db, RegistryOptions options, Scheduler blocking) {
        return mirroring(store, db, options, blocking, List.of(), TransferOptions.defaults());
    }

    /**
     * As {@link #of(ContentStore, MetadataDb, RegistryOptions, Scheduler)}, as a pull-through mirror for the
     * repositories the {@code mirrors} cover (see {@link Mirror}): missing manifests and blobs are fetched from
     * their upstream, blobs once for every client, followed while they arrive. {@code transfer} gives the
     * retries, stall timeout and backoff of upstream requests (plain HTTP and credentials come from each route).
     * Close the routes to release the upstream connections.
     */
    public static RegistryRoutes mirroring(ContentStore store, MetadataDb db, RegistryOptions options,
                                           Scheduler blocking, List<MirrorRoute> mirrors, TransferOptions transfer) {
        return new RegistryRoutes(Objects.requireNonNull(store, "store"), Objects.requireNonNull(db, "db"),
                Objects.requireNonNull(options, "options"), Objects.requireNonNull(blocking, "blocking"),
                List.copyOf(mirrors), Objects.requireNonNull(transfer, "transfer"));
    }

    /** Releases the connections to mirror upstreams. */
    @Override
    public void close() {
        mirror.close();
    }

    /** Adds the one {@code /v2} route. */
    @Override
    public void register(HttpServerRoutes routes) {
        routes.route(req -> V2Target.matches(req.uri()), this::handle);
    }

    /** Serves one request under {@code /v2}. */
    Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        res.header(Exchange.API_VERSION, API_VERSION_VALUE);
        V2Target target = V2Target.parse(req.uri());
        Exchange x = new Exchange(req, res, target);
        return Mono.defer(() -> dispatch(x)).onErrorResume(x::fail);
    }

    private Mono<Void> dispatch(Exchange x) {
        V2Target t = x.target;
        if (t == null) {
            throw RegistryError.NO_ROUTE.withDetail(Names.shorten(V2Target.rawPath(x.req.uri())));
        }
        HttpMethod m = x.method();
        if (t.kind() == V2Target.Kind.BASE) {
            allow(m, "GET, HEAD", HttpMethod.GET, HttpMethod.HEAD);
            return x.json(HttpResponseStatus.OK, MediaTypes.JSON, Map.of(), Map.of());
        }
        String name = Names.requireName(t.name());
        switch (t.kind()) {
            case MANIFEST -> {
                allow(m, "GET, HEAD, PUT, DELETE", HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE);
                ManifestHandlers.Reference ref = ManifestHandlers.Reference.parse(t.reference());
                if (m.equals(HttpMethod.PUT)) {
                    return manifests.put(x, name, ref);
                }
                return m.equals(HttpMethod.DELETE) ? manifests.delete(x, name, ref) : manifests.get(x, name, ref);
            }
            case BLOB -> {
                allow(m, "GET, HEAD, DELETE", HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE);
                var digest = Names.digest(t.reference());
                return m.equals(HttpMethod.DELETE) ? blobs.delete(x, name, digest) : blobs.get(x, name, digest);
            }
            case UPLOADS -> {
                allow(m, "POST", HttpMethod.POST);
                return uploads.start(x, name);
            }
            case UPLOAD -> {
                allow(m, "GET, HEAD, PATCH, PUT, DELETE", HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PATCH,
                        HttpMethod.PUT, HttpMethod.DELETE);
                String id = t.reference();
                if (m.equals(HttpMethod.PATCH)) {
                    return uploads.patch(x, name, id);
                }
                if (m.equals(HttpMethod.PUT)) {
                    return uploads.finish(x, name, id);
                }
                return m.equals(HttpMethod.DELETE) ? uploads.cancel(x, name, id) : uploads.status(x, name, id);
            }
            case TAGS -> {
                allow(m, "GET, HEAD", HttpMethod.GET, HttpMethod.HEAD);
                return listings.tags(x, name);
            }
            case REFERRERS -> {
                allow(m, "GET, HEAD", HttpMethod.GET, HttpMethod.HEAD);
                return listings.referrers(x, name, Names.digest(t.reference()));
            }
            default -> throw new IllegalStateException("unhandled endpoint " + t.kind());
        }
    }

    private static void allow(HttpMethod m, String allowHeader, HttpMethod... allowed) {
        if (!Set.of(allowed).contains(m)) {
            throw RegistryError.UNSUPPORTED.withDetail("method " + m + " is not allowed here")
                    .header("Allow", allowHeader);
        }
    }
}
