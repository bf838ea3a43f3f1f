package io.stowage.server;

import io.stowage.content.ContentException;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/** Route matching shared by the handlers: prefixes on the raw path, and the answer for an unknown route. */
final class Routes {
    private Routes() {
    }

    /** NOT_FOUND naming the method and path that matched no route. */
    static ContentException noRoute(HttpServerRequest req) {
        return ContentException.notFound("no route for " + req.method() + " "
                + RequestTarget.shorten(RequestTarget.rawPath(req.uri())));
    }

    /** Sends every request under {@code prefix} to {@code handler}, {@link #guarded}. */
    static HttpServerRoutes under(HttpServerRoutes routes, String prefix,
                                  BiFunction<HttpServerRequest, HttpServerResponse, Mono<Void>> handler) {
        return routes.route(req -> RequestTarget.under(req.uri(), prefix), (req, res) -> guarded(req, res, handler));
    }

    /** Runs {@code handler}; what it throws or signals is answered as {@link ErrorMapping} says. */
    static Mono<Void> guarded(HttpServerRequest req, HttpServerResponse res,
                              BiFunction<HttpServerRequest, HttpServerResponse, Mono<Void>> handler) {
        return Mono.defer(() -> handler.apply(req, res)).onErrorResume(e -> ErrorMapping.send(req, res, e));
    }

    /** The fallback handler: a JSON 404 for any request no provider took. */
    static Mono<Void> notFound(HttpServerRequest req, HttpServerResponse res) {
        return ErrorMapping.send(req, res, noRoute(req));
    }
}
