package io.stowage.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.stowage.content.ContentException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The {@code Authorization} header of one registry, as registries ask for it: nothing until the registry answers
 * 401 with a {@code WWW-Authenticate} challenge; then Basic with the credentials, or for {@code Bearer} a token
 * from the challenge's realm ({@code GET realm?service=S&scope=A&scope=B}, with Basic credentials when there
 * are some, anonymously otherwise). Tokens are cached per scope set until shortly before they expire
 * ({@code expires_in}, 60 s when absent) and fetched anew after a 401. Concurrent requests share one token fetch.
 * Thread-safe.
 */
final class Authorizer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Credentials.Basic basic;
    private final TransferOptions options;
    private final ConcurrentHashMap<String, Mono<String>> tokens = new ConcurrentHashMap<>();
    private volatile Challenge challenge;

    Authorizer(HttpClient http, Credentials.Basic basic, TransferOptions options) {
        this.http = http;
        this.basic = basic;
        this.options = options;
    }

    /** The authorizers of a puller or pusher, one per registry, so tokens outlive a single transfer. */
    static final class PerRegistry {
        private final HttpClient http;
        private final TransferOptions options;
        private final ConcurrentHashMap<String, Authorizer> byRegistry = new ConcurrentHashMap<>();

        PerRegistry(HttpClient http, TransferOptions options) {
            this.http = http;
            this.options = options;
        }

        RegistryClient client(Reference ref) {
            Authorizer a = byRegistry.computeIfAbsent(ref.registry(), r -> new Authorizer(http,
                    options.credentials().lookup(r).orElse(null), options));
            return new RegistryClient(http, ref, options, a);
        }
    }

    /** The header value for a request needing {@code scopes}, or empty when none is known to be needed. */
    Mono<String> header(List<String> scopes) {
        Challenge c = challenge;
        if (c == null) {
            return Mono.empty();
        }
        if (c.isBasic()) {
            return basic == null ? Mono.empty() : Mono.just(basic.header());
        }
        if (!c.isBearer()) {
            return Mono.empty();
        }
        String key = String.join(" ", scopes);
        return tokens.computeIfAbsent(key, k -> token(c, scopes)).map(t -> "Bearer " + t);
    }

    /**
     * A 401 answer: remembers its challenge and drops the token that was refused, so that the next
     * {@link #header} fetches a fresh one.
     */
    void challenged(String wwwAuthenticate, List<String> scopes, boolean hadAuthorization) {
        Challenge c = Challenge.parse(wwwAuthenticate);
        if (c != null) {
            challenge = c;
        }
        if (hadAuthorization) {
            tokens.remove(String.join(" ", scopes));
        }
    }

    /** True when the last challenge leaves nothing to try beyond what was sent (Basic without credentials). */
    boolean hopeless(boolean hadAuthorization) {
        Challenge c = challenge;
        return c == null || (c.isBasic() && (basic == null || hadAuthorization)) || !(c.isBasic() || c.isBearer());
    }

    private Mono<String> token(Challenge c, List<String> scopes) {
        String realm = c.param("realm");
        if (realm == null || realm.isEmpty()) {
            return Mono.error(ContentException.failedPrecondition("registry asks for a bearer token but names no realm"));
        }
        Set<String> all = new LinkedHashSet<>(scopes);
        String asked = c.param("scope");
        if (asked != null && !asked.isEmpty()) {
            all.addAll(List.of(asked.split(" ")));
        }
        StringBuilder uri = new StringBuilder(realm);
        char sep = realm.contains("?") ? '&' : '?';
        if (c.param("service") != null) {
            uri.append(sep).append("service=").append(URLEncoder.encode(c.param("service"), StandardCharsets.UTF_8));
            sep = '&';
        }
        for (String s : all) {
            uri.append(sep).append("scope=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
            sep = '&';
        }
        String url = uri.toString();
        long[] ttl = {60};
        return http.headers(h -> {
                    if (basic != null) {
                        h.set(HttpHeaderNames.AUTHORIZATION, basic.header());
                    }
                })
                .get()
                .uri(url)
                .responseSingle((res, body) -> body.asByteArray().defaultIfEmpty(new byte[0]).map(b -> {
                    if (res.status().code() != 200) {
                        throw RegistryError.of("token request " + realm, res.status().code(), b);
                    }
                    return parseToken(b, realm, ttl);
                }))
                .retryWhen(Transient.retry(options))
                .cache(t -> Duration.ofSeconds(Math.max(1, ttl[0] - 5)), e -> Duration.ZERO, () -> Duration.ZERO);
    }

    private static String parseToken(byte[] b, String realm, long[] ttl) {
        try {
            JsonNode n = JSON.readTree(b);
            String t = n.path("token").asText(n.path("access_token").asText(""));
            if (t.isEmpty()) {
                throw ContentException.failedPrecondition("token request " + realm + ": no token in the answer");
            }
            if (n.path("expires_in").canConvertToLong() && n.get("expires_in").asLong() > 0) {
                ttl[0] = n.get("expires_in").asLong();
            }
            return t;
        } catch (IOException e) {
            throw ContentException.failedPrecondition("token request " + realm + ": answer is not JSON");
        }
    }
}
