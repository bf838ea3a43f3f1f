package io.stowage.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import io.stowage.registry.RegistryAccess;
import io.stowage.server.ErrorMapping;
import io.stowage.server.RequestFilter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Authentication and authorization in front of every route ({@code docs/security.md}).
 * <ul>
 *   <li>The content API and everything not under {@code /v2}: GET and HEAD need {@code read}, any other method and
 *       WebSocket upgrades (write sessions) need {@code read-write}. No credentials: 401 {@code unauthenticated}
 *       with {@code WWW-Authenticate: Bearer realm="stowage"} and {@code Basic realm="stowage"}; too little
 *       access: 403 {@code permission_denied}; both in the {@code {"code","message"}} format.</li>
 *   <li>The registry API: {@code /v2/} needs any valid credentials; a repository needs {@code pull} (read) or
 *       {@code push} (read-write) by the principal's longest matching prefix, and, with a registry token, a scope
 *       that grants it; a cross-repository mount also needs pull on its {@code from}. No credentials: 401
 *       UNAUTHORIZED with {@code WWW-Authenticate: Bearer realm="BASE/v2/token",service="stowage",
 *       scope="repository:NAME:pull[,push]"}; too little: 403 DENIED.</li>
 *   <li>{@code GET /v2/token?service=stowage&scope=...} with Basic credentials or a static token answers
 *       {@code {"token","access_token","expires_in","issued_at"}}: a signed token granting the requested actions the
 *       principal has (possibly none).</li>
 * </ul>
 * bcrypt checks run on a bounded scheduler of their own; the request continues on its event loop. Nothing logged
 * here contains a credential. Thread-safe; {@link #close()} stops the bcrypt threads.
 */
public final class AuthFilter implements RequestFilter, AutoCloseable {
    /** The {@code service} of the registry token flow. */
    public static final String SERVICE = "stowage";
    static final String TOKEN_PATH = "/v2/token";
    private static final Logger log = LoggerFactory.getLogger(AuthFilter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");
    private static final Duration CACHE_TTL = Duration.ofMinutes(1);

    private final AuthConfig config;
    private final RegistryTokens tokens;
    private final Authenticator authenticator;
    private final Scheduler bcrypt;
    private final boolean tls;

    private AuthFilter(AuthConfig config, boolean tls, Clock clock) {
        this.config = config;
        this.tls = tls;
        this.tokens = new RegistryTokens(config.tokenKey(), config.tokenTtl(), clock);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.bcrypt = Schedulers.newBoundedElastic(threads, 1024, "stowage-bcrypt", 60, true);
        this.authenticator = new Authenticator(config, tokens, bcrypt, CACHE_TTL);
    }

    /**
     * A filter for a server that speaks https when {@code tls} (the token realm's scheme). Computes one bcrypt
     * hash (blocking, about 100 ms): call it at start-up.
     */
    public static AuthFilter of(AuthConfig config, boolean tls) {
        return new AuthFilter(config, tls, Clock.systemUTC());
    }

    @Override
    public Publisher<Void> filter(HttpServerRequest req, HttpServerResponse res,
                                  BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> next) {
        String path = new QueryStringDecoder(req.uri()).rawPath();
        if (path.equals(TOKEN_PATH) || path.equals(TOKEN_PATH + "/")) {
            return tokenEndpoint(req, res);
        }
        boolean registry = RegistryAccess.matches(req.uri());
        RegistryAccess need = registry ? RegistryAccess.of(req.method(), req.uri()) : null;
        boolean write = registry ? need.push() : isWrite(req);
        String header = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        return authenticator.authenticate(header)
                .map(id -> {
                    String denied = registry ? deniedRegistry(id, need) : deniedContent(id, write);
                    return denied == null ? Decision.allow() : Decision.deny(id.principal().name() + ": " + denied);
                })
                .defaultIfEmpty(Decision.challenge("authentication required"))
                .onErrorResume(Authenticator.Refused.class, e -> Mono.just(Decision.challenge(e.getMessage())))
                .flatMap(d -> onEventLoop(req, () -> switch (d.kind) {
                    case ALLOW -> Mono.from(next.apply(req, res));
                    case CHALLENGE -> unauthorized(req, res, need, d.reason);
                    case DENY -> forbidden(req, res, need, d.reason);
                }))
                .onErrorResume(RejectedExecutionException.class, e -> ErrorMapping.respond(req, res,
                        ContentException.unavailable("too many logins being checked; retry later")));
    }

    private record Decision(Kind kind, String reason) {
        enum Kind { ALLOW, CHALLENGE, DENY }

        static Decision allow() {
            return new Decision(Kind.ALLOW, null);
        }

        static Decision challenge(String reason) {
            return new Decision(Kind.CHALLENGE, reason);
        }

        static Decision deny(String reason) {
            return new Decision(Kind.DENY, reason);
        }
    }

    /** Writes: any method but GET and HEAD, and WebSocket upgrades (the write sessions of the content API). */
    private static boolean isWrite(HttpServerRequest req) {
        HttpMethod m = req.method();
        return !(m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD))
                || req.requestHeaders().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || new QueryStringDecoder(req.uri()).rawPath().endsWith("/write");
    }

    private static String deniedContent(Authenticator.Identity id, boolean write) {
        if (id.token() != null) {
            return "registry tokens are good for /v2 only";
        }
        Access a = id.principal().access();
        return a.allows(write) ? null : "has " + a.configName() + " access, " + (write ? "writing" : "reading")
                + " needs " + (write ? "read-write" : "read");
    }

    private static String deniedRegistry(Authenticator.Identity id, RegistryAccess need) {
        if (need.repository() == null) {
            return null;
        }
        String denied = deniedRepository(id, need.repository(), need.push());
        if (denied == null && need.mountFrom() != null) {
            denied = deniedRepository(id, need.mountFrom(), false);
        }
        return denied;
    }

    private static String deniedRepository(Authenticator.Identity id, String repository, boolean push) {
        String action = push ? "push" : "pull";
        if (!id.principal().repositoryAccess(repository).allows(push)) {
            return "may not " + action + " " + repository;
        }
        if (id.token() != null && !id.token().grants(repository, action)) {
            return "the token does not grant " + action + " on " + repository;
        }
        return null;
    }

    private Mono<Void> unauthorized(HttpServerRequest req, HttpServerResponse res, RegistryAccess need,
                                    String reason) {
        log.debug("401 {} {}: {}", req.method(), shorten(req.uri()), reason);
        if (need != null) {
            String challenge = "Bearer realm=\"" + realm(req) + "\",service=\"" + SERVICE + "\""
                    + (need.repository() == null ? "" : ",scope=\"repository:" + need.repository() + ":"
                    + need.actions() + "\"");
            return need.unauthorized(req, res, challenge, reason);
        }
        res.addHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"" + SERVICE + "\"");
        res.addHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + SERVICE + "\"");
        return ErrorMapping.respond(req, res, new ContentException(ErrorCode.UNAUTHENTICATED, reason));
    }

    private static Mono<Void> forbidden(HttpServerRequest req, HttpServerResponse res, RegistryAccess need,
                                        String reason) {
        log.debug("403 {} {}: {}", req.method(), shorten(req.uri()), reason);
        if (need != null) {
            return need.denied(req, res, reason);
        }
        return ErrorMapping.respond(req, res, new ContentException(ErrorCode.PERMISSION_DENIED, reason));
    }

    private Mono<Void> tokenEndpoint(HttpServerRequest req, HttpServerResponse res) {
        RegistryAccess base = RegistryAccess.of(HttpMethod.GET, "/v2/");
        if (!(req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD))) {
            return RegistryAccess.noRoute(req, res);
        }
        String header = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        String challenge = "Basic realm=\"" + SERVICE + "\"";
        Mono<Principal> who;
        if (header == null || header.isBlank()) {
            return base.unauthorized(req, res, challenge, "log in with basic auth or a static token");
        }
        String h = header.strip();
        if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
            who = authenticator.basic(h.substring(6).strip());
        } else if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            who = Mono.justOrEmpty(authenticator.staticToken(h.substring(7).strip()))
                    .switchIfEmpty(Mono.error(new Authenticator.Refused("not a static token")));
        } else {
            who = Mono.error(new Authenticator.Refused("unsupported authorization scheme"));
        }
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        List<String> asked = new ArrayList<>();
        for (String s : q.parameters().getOrDefault("scope", List.of())) {
            for (String one : s.split(" ")) {
                if (!one.isBlank()) {
                    asked.add(one);
                }
            }
        }
        return who.map(p -> issue(p, asked))
                .onErrorResume(Authenticator.Refused.class, e -> Mono.empty())
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(o -> onEventLoop(req, () -> o.isEmpty()
                        ? base.unauthorized(req, res, challenge, "wrong user name, password or token")
                        : res.status(HttpResponseStatus.OK)
                                .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                                .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                                .sendByteArray(Mono.just(o.get())).then()))
                .onErrorResume(RejectedExecutionException.class, e -> ErrorMapping.respond(req, res,
                        ContentException.unavailable("too many logins being checked; retry later")));
    }

    /** The token answer: the requested repository actions that {@code p} has. */
    private byte[] issue(Principal p, List<String> asked) {
        List<String> granted = new ArrayList<>();
        for (String scope : asked) {
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first < 0 || last <= first || !scope.substring(0, first).equals("repository")) {
                continue;
            }
            String name = scope.substring(first + 1, last);
            Access a = p.repositoryAccess(name);
            List<String> actions = new ArrayList<>();
            for (String action : scope.substring(last + 1).split(",")) {
                boolean ok = action.equals("pull") ? a.allows(false)
                        : (action.equals("push") || action.equals("delete") || action.equals("*")) && a.allows(true);
                if (ok && !actions.contains(action)) {
                    actions.add(action);
                }
            }
            if (!actions.isEmpty()) {
                granted.add("repository:" + name + ":" + String.join(",", actions));
            }
        }
        String token = tokens.issue(p.name(), granted);
        ObjectNode n = JSON.createObjectNode();
        n.put("token", token);
        n.put("access_token", token);
        n.put("expires_in", tokens.ttl().toSeconds());
        n.put("issued_at", Instant.now().toString());
        log.debug("token for {}: {}", p.name(), granted);
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private String realm(HttpServerRequest req) {
        if (config.realm() != null) {
            return config.realm();
        }
        String host = req.requestHeaders().get(HttpHeaderNames.HOST);
        if (host == null || !HOST.matcher(host).matches()) {
            host = "localhost";
        }
        return (tls ? "https://" : "http://") + host + TOKEN_PATH;
    }

    /** Runs {@code then} on the request's event loop (where it continues after a bcrypt check elsewhere). */
    private static Mono<Void> onEventLoop(HttpServerRequest req, java.util.function.Supplier<Mono<Void>> then) {
        if (req instanceof Connection c) {
            EventLoop loop = c.channel().eventLoop();
            if (!loop.inEventLoop()) {
                return Mono.defer(then).subscribeOn(Schedulers.fromExecutor(loop));
            }
        }
        return Mono.defer(then);
    }

    private static String shorten(String uri) {
        return uri.length() > 200 ? uri.substring(0, 200) + "..." : uri;
    }

    @Override
    public void close() {
        bcrypt.dispose();
    }
}
