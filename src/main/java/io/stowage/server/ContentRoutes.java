package io.stowage.server;

import io.stowage.content.ContentStore;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The content API over any {@link ContentStore}: {@code /v1/content} (committed blobs: list, info, labels, bytes
 * with ranges, delete) and {@code /v1/ingests} (statuses, abort, streamed PUT, WebSocket write sessions), as
 * issue 3 specifies them, and {@code /v1/verify} (re-hash every blob, see {@link ContentHandlers}). Each prefix is one route whose handler takes the raw request path apart itself, so a
 * ref may contain {@code /} sent as {@code %2F}. Errors follow {@link ErrorMapping}.
 *
 * <p>The store is not owned: closing it is the caller's business. Handlers never block; the only file work done
 * here, opening a blob for zero-copy sending, runs on the given scheduler. Thread-safe.
 */
public final class ContentRoutes implements RouteProvider {
    private final ContentHandlers content;
    private final IngestHandlers ingests;

    private ContentRoutes(ContentStore store, ServerOptions options, Scheduler blocking) {
        this.content = new ContentHandlers(store, blocking, options.maxJsonBytes());
        this.ingests = new IngestHandlers(store, options);
    }

    /** Routes over {@code store} with the default limits ({@link ServerOptions#defaults()}). */
    public static ContentRoutes of(ContentStore store) {
        return of(store, ServerOptions.defaults());
    }

    /** Routes over {@code store} with the limits of {@code options} (frame and JSON sizes). */
    public static ContentRoutes of(ContentStore store, ServerOptions options) {
        return of(store, options, Schedulers.boundedElastic());
    }

    /** As {@link #of(ContentStore, ServerOptions)}, opening blob files on {@code blocking}. */
    public static ContentRoutes of(ContentStore store, ServerOptions options, Scheduler blocking) {
        return new ContentRoutes(Objects.requireNonNull(store, "store"), Objects.requireNonNull(options, "options"),
                Objects.requireNonNull(blocking, "blocking"));
    }

    /** Ends the open write sessions (their writers closed, data kept) so they do not hold a shutdown up. */
    @Override
    public Mono<Void> beforeShutdown() {
        return ingests.endSessions();
    }

    @Override
    public void register(HttpServerRoutes routes) {
        Routes.under(routes, ContentHandlers.PREFIX, content::dispatch)
                .route(req -> RequestTarget.under(req.uri(), ContentHandlers.VERIFY), content::handleVerifyAll);
        Routes.under(routes, IngestHandlers.PREFIX, ingests::dispatch);
    }
}
