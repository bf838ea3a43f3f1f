package io.stowage.transfer;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.net.TlsErrors;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * The HTTP side of one repository of a registry ({@code /v2/} API): requests with authorization
 * ({@link Authorizer}: a 401 is answered once with fresh credentials and the request repeated), small bodies read
 * whole with a limit, and transient failures retried ({@link Transient}). GET and HEAD follow redirects (Reactor
 * Netty drops the Authorization header when a redirect leaves the host). Thread-safe.
 */
final class RegistryClient {
    /** One request. {@code body} is called once per attempt (so a repeated request sends its body again). */
    record Request(HttpMethod method, String url, Map<String, String> headers, Supplier<Publisher<ByteBuf>> body) {
        static Request of(HttpMethod method, String url) {
            return new Request(method, url, Map.of(), null);
        }

        Request with(String header, String value) {
            Map<String, String> h = new java.util.LinkedHashMap<>(headers);
            h.put(header, value);
            return new Request(method, url, h, body);
        }

        Request withBody(Supplier<Publisher<ByteBuf>> b) {
            return new Request(method, url, headers, b);
        }

        @Override
        public String toString() {
            return method + " " + url;
        }
    }

    /** A response read whole. */
    record Response(int status, HttpHeaders headers, byte[] body) {
        String header(CharSequence name) {
            return headers.get(name);
        }
    }

    private final HttpClient http;
    private final URI base;
    private final Reference ref;
    private final Authorizer auth;
    private final TransferOptions options;

    RegistryClient(HttpClient http, Reference ref, TransferOptions options, Authorizer auth) {
        this.http = http.followRedirect((req, res) -> (req.method().equals(HttpMethod.GET)
                || req.method().equals(HttpMethod.HEAD)) && isRedirect(res.status().code()));
        this.ref = ref;
        this.options = options;
        this.base = URI.create((options.plainHttp() ? "http" : "https") + "://" + ref.host());
        this.auth = auth;
    }

    Reference reference() {
        return ref;
    }

    TransferOptions options() {
        return options;
    }

    /** {@code /v2/<repository>/<rest>} on the registry. */
    String url(String rest) {
        return base.resolve("/v2/" + ref.repository() + "/" + rest).toString();
    }

    /** A Location header (absolute or relative to the registry) as an absolute URL. */
    String resolve(String location) {
        if (location == null || location.isEmpty()) {
            throw ContentException.internal("registry answered without a Location", null);
        }
        return base.resolve(location).toString();
    }

    /** The scopes a request needs: pull, or pull and push. */
    List<String> scopes(boolean push) {
        return List.of("repository:" + ref.repository() + (push ? ":pull,push" : ":pull"));
    }

    /**
     * Sends a request (once more after a 401 with fresh credentials) and hands the response and its body to
     * {@code handler}, which must consume or cancel the body. No retries: callers decide.
     */
    <T> Flux<T> exchange(Request r, List<String> scopes,
                         BiFunction<HttpClientResponse, ByteBufFlux, Publisher<T>> handler) {
        return attempt(r, scopes, handler, false);
    }

    private <T> Flux<T> attempt(Request r, List<String> scopes,
                                BiFunction<HttpClientResponse, ByteBufFlux, Publisher<T>> handler, boolean again) {
        return auth.header(scopes).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .flatMapMany(authz -> {
                    HttpClient c = http.headers(h -> {
                        r.headers().forEach(h::set);
                        authz.ifPresent(v -> h.set(HttpHeaderNames.AUTHORIZATION, v));
                    });
                    HttpClient.RequestSender sender = c.request(r.method()).uri(r.url());
                    HttpClient.ResponseReceiver<?> receiver = r.body() == null ? sender : sender.send(r.body().get());
                    return receiver.response((res, body) -> {
                        if (res.status().code() == 401 && !again) {
                            auth.challenged(res.responseHeaders().get(HttpHeaderNames.WWW_AUTHENTICATE), scopes,
                                    authz.isPresent());
                            if (!auth.hopeless(authz.isPresent())) {
                                return body.then(Mono.error(Reauthorize.INSTANCE));
                            }
                        }
                        return handler.apply(res, body);
                    });
                })
                .onErrorResume(e -> e == Reauthorize.INSTANCE, e -> attempt(r, scopes, handler, true))
                .onErrorMap(e -> !(e instanceof ContentException) && TlsErrors.describeHandshake(e) != null,
                        e -> new ContentException(io.stowage.content.ErrorCode.UNAVAILABLE,
                                "registry " + ref.host() + ": " + TlsErrors.describeHandshake(e), e));
    }

    /**
     * Sends a request and reads the whole response body (at most {@code maxBytes}); 2xx answers and those in
     * {@code accepted} are returned, others fail as {@link RegistryError}. Transient failures are retried.
     */
    Mono<Response> fetch(Request r, List<String> scopes, int maxBytes, int... accepted) {
        return exchange(r, scopes, (res, body) -> read(body, maxBytes, r).map(b -> {
            int st = res.status().code();
            if (st / 100 != 2 && !contains(accepted, st)) {
                throw RegistryError.of(r.toString(), st, b);
            }
            return new Response(st, res.responseHeaders(), b);
        })).next().retryWhen(Transient.retry(options))
                .onErrorMap(e -> !(e instanceof ContentException) && Transient.is(e),
                        e -> new ContentException(io.stowage.content.ErrorCode.UNAVAILABLE, r + ": giving up after "
                                + options.maxRetries() + " retries: " + e, e));
    }

    private static Mono<byte[]> read(ByteBufFlux body, int maxBytes, Request r) {
        return body.reduceWith(ByteArrayOutputStream::new, (out, buf) -> {
            int n = buf.readableBytes();
            if (out.size() + n > maxBytes) {
                throw ContentException.failedPrecondition(r + ": answer larger than " + maxBytes + " bytes");
            }
            byte[] b = new byte[n];
            buf.getBytes(buf.readerIndex(), b);
            out.write(b, 0, n);
            return out;
        }).map(ByteArrayOutputStream::toByteArray).defaultIfEmpty(new byte[0]);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRedirect(int st) {
        return st == 301 || st == 302 || st == 303 || st == 307 || st == 308;
    }

    /** Internal signal: the request was refused with a challenge that fresh credentials may answer. */
    private static final class Reauthorize extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Reauthorize INSTANCE = new Reauthorize();

        private Reauthorize() {
            super("reauthorize", null, false, false);
        }
    }
}
