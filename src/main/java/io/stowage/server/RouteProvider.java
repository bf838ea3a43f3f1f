package io.stowage.server;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * Contributes routes to a {@link StowageServer}. Providers are registered in the order given to
 * {@link StowageServer#start}; the first matching route serves a request, and a request no provider matches gets
 * a JSON {@code 404 not_found}. Handlers must not block the event loop.
 */
@FunctionalInterface
public interface RouteProvider {
    /** Adds this provider's routes. Called once, while the server is being configured. */
    void register(HttpServerRoutes routes);

    /**
     * Called once the server has stopped accepting connections, before it waits for the requests in flight
     * ({@link StowageServer#shutdown}): ends long-lived exchanges that would otherwise hold the shutdown up to its
     * bound, such as WebSocket write sessions. Completes when they have let go of what they hold. None by default.
     */
    default Mono<Void> beforeShutdown() {
        return Mono.empty();
    }
}
