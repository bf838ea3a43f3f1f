package io.stowage.server;

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
}
