package io.stowage.server;

import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Runs before the routes of a {@link StowageServer} (authentication and authorization): it either answers the
 * request itself or hands it to {@code next}. Implementations must not block (they run on the event loop) and must
 * be thread-safe.
 */
@FunctionalInterface
public interface RequestFilter {
    /** Answers the request, or returns {@code next.apply(req, res)}. */
    Publisher<Void> filter(HttpServerRequest req, HttpServerResponse res,
                           BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> next);
}
