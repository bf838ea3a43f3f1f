package io.stowage.registry;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * What a request under {@code /v2} needs, for authorization in front of {@link RegistryRoutes}: the repository it
 * touches (null for {@code /v2/} itself and for paths that name no endpoint), whether it pushes (any method but
 * GET and HEAD), and the repository a cross-repository mount reads from
 * ({@code POST .../blobs/uploads/?mount=D&from=R}, which needs pull there). Also sends the registry's UNAUTHORIZED and DENIED errors in the spec's format.
 * Immutable.
 *
 * @param repository the repository name, or null
 * @param push       true for requests that change the repository
 * @param mountFrom  the repository of a cross-repository mount, or null
 */
public record RegistryAccess(String repository, boolean push, String mountFrom) {
    /** True when {@code uri} is {@code /v2} or below it. */
    public static boolean matches(String uri) {
        return V2Target.matches(uri);
    }

    /** The access {@code method uri} (a path under /v2) needs. */
    public static RegistryAccess of(HttpMethod method, String uri) {
        boolean push = !(method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD));
        V2Target t = V2Target.parse(uri);
        if (t == null || t.kind() == V2Target.Kind.BASE) {
            return new RegistryAccess(null, push, null);
        }
        String from = null;
        if (t.kind() == V2Target.Kind.UPLOADS) {
            List<String> f = t.query().getOrDefault("from", List.of());
            from = f.isEmpty() || f.get(0).isEmpty() ? null : f.get(0);
        }
        return new RegistryAccess(t.name(), push, from);
    }

    /** The actions of a token scope for this access: {@code pull} or {@code pull,push}. */
    public String actions() {
        return push ? "pull,push" : "pull";
    }

    /**
     * Sends 401 UNAUTHORIZED with the {@code WWW-Authenticate} challenge, a detail naming the access (when
     * there is a repository) and the API version header.
     */
    public Mono<Void> unauthorized(HttpServerRequest req, HttpServerResponse res, String challenge, String why) {
        return send(req, res, RegistryError.UNAUTHORIZED.withDetail(detail(why))
                .header(HttpHeaderNames.WWW_AUTHENTICATE.toString(), challenge));
    }

    /** Sends 403 DENIED naming the access that was refused. */
    public Mono<Void> denied(HttpServerRequest req, HttpServerResponse res, String why) {
        return send(req, res, RegistryError.DENIED.withDetail(detail(why)));
    }

    /** Sends 404 UNSUPPORTED (no such endpoint), e.g. for methods the token endpoint does not serve. */
    public static Mono<Void> noRoute(HttpServerRequest req, HttpServerResponse res) {
        return send(req, res, RegistryError.NO_ROUTE.withDetail(Names.shorten(V2Target.rawPath(req.uri()))));
    }

    private Object detail(String why) {
        if (repository == null) {
            return why;
        }
        return Map.of("Type", "repository", "Name", Names.shorten(repository), "Action", push ? "push" : "pull",
                "Reason", why);
    }

    private static Mono<Void> send(HttpServerRequest req, HttpServerResponse res, RegistryException e) {
        res.header(Exchange.API_VERSION, RegistryRoutes.API_VERSION_VALUE);
        return new Exchange(req, res, V2Target.parse(req.uri())).fail(e);
    }
}
