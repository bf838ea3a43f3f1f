package io.stowage.server;

import io.stowage.content.ContentException;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** Route matching shared by the handlers: prefixes on the raw path, and the answer for an unknown route. */
final class Routes {
    private Routes() {
    }

    /** NOT_FOUND naming the method and path that matched no route. */
    static ContentException noRoute(HttpServerRequest req) {
        return ContentException.notFound("no route for " + req.method() + " "
                + RequestTarget.shorten(RequestTarget.rawPath(req.uri())));
    }

    /** The fallback handler: a JSON 404 for any request no provider took. */
    static Mono<Void> notFound(HttpServerRequest req, HttpServerResponse res) {
        return ErrorMapping.send(req, res, noRoute(req));
    }
}
