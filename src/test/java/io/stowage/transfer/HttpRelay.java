package io.stowage.transfer;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * An HTTP relay on 127.0.0.1 in front of a registry (Reactor Netty HttpServer forwarding with HttpClient, keeping
 * the client's Host so the registry's Locations point back here), with test behaviours:
 * <ul>
 *   <li>{@link #ignoreRange()}: the Range header is dropped, so the registry answers 200 with the whole blob;</li>
 *   <li>{@link #cutBlobResponses(int, long)}: the first N blob GET bodies longer than that many bytes are cut
 *       after them;</li>
 *   <li>{@link #slowBlobs(Duration)}: each chunk of a blob body is delayed (a timer, not a sleep);</li>
 *   <li>{@link #failPatches(Integer...)}: chosen PATCH requests of uploads are answered 503;</li>
 *   <li>{@link #requireBearer(String, String)}: a token server: {@code /token} issues bearer tokens (to Basic
 *       credentials when set, else to anyone) for the requested scopes, and {@code /v2/} answers 401 with a
 *       challenge unless a valid token covering the repository and action comes along;</li>
 * </ul>
 * and counts the body bytes of blob GETs per digest.
 */
final class HttpRelay implements AutoCloseable {
    private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
    private static final Pattern REPO = Pattern.compile("/v2/(.+?)/(?:blobs|manifests|tags)/.*");

    private final ConnectionProvider pool = ConnectionProvider.builder("relay").maxConnections(64).build();
    private final HttpClient upstream;
    private final DisposableServer server;
    private final Map<String, AtomicLong> blobBytes = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private volatile boolean ignoreRange;
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private volatile long cutAfter;
    private volatile Duration chunkDelay;
    private volatile Set<Integer> failedPatches = Set.of();
    private final AtomicInteger patches = new AtomicInteger();
    private final AtomicLong patchBytes = new AtomicLong();
    private volatile boolean wrongContentRange;
    private final AtomicInteger blobGetFailuresLeft = new AtomicInteger();
    private volatile boolean bearer;
    private volatile String user;
    private volatile String password;
    private final Map<String, AtomicInteger> blobGets = new ConcurrentHashMap<>();
    private final AtomicInteger rangedBlobGets = new AtomicInteger();
    private final AtomicInteger manifestGets = new AtomicInteger();
    private volatile long holdAfter = Long.MAX_VALUE;
    private final reactor.core.publisher.Sinks.Empty<Void> released = reactor.core.publisher.Sinks.empty();
    private volatile long corruptAt = -1;

    HttpRelay(int targetPort) {
        this.upstream = HttpClient.create(pool).baseUrl("http://127.0.0.1:" + targetPort);
        this.server = HttpServer.create().host("127.0.0.1").port(0).handle(this::handle).bindNow();
    }

    HttpRelay ignoreRange() {
        ignoreRange = true;
        return this;
    }

    HttpRelay cutBlobResponses(int count, long afterBytes) {
        cutAfter = afterBytes;
        cutsLeft.set(count);
        return this;
    }

    HttpRelay slowBlobs(Duration perChunk) {
        chunkDelay = perChunk;
        return this;
    }

    /** Every 206 answer gets a Content-Range one byte off what the registry said. */
    HttpRelay wrongContentRange() {
        wrongContentRange = true;
        return this;
    }

    /** The first {@code n} blob GETs are answered 503 (or 429 for even numbers) without reaching the registry. */
    HttpRelay failBlobGets(int n) {
        blobGetFailuresLeft.set(n);
        return this;
    }

    /** The PATCH requests with these numbers (1, 2, ...) get a 503 without reaching the registry. */
    HttpRelay failPatches(Integer... numbers) {
        failedPatches = Set.of(numbers);
        return this;
    }

    /**
     * Blob GET bodies pass their first {@code bytes} bytes (at buffer granularity: the buffer crossing the mark
     * passes too), then wait until {@link #releaseBlobs()}.
     */
    HttpRelay holdBlobsAfter(long bytes) {
        holdAfter = bytes;
        return this;
    }

    void releaseBlobs() {
        released.tryEmitEmpty();
    }

    /** Every blob GET body gets the byte at this position of the body flipped. */
    HttpRelay corruptBlobs(long at) {
        corruptAt = at;
        return this;
    }

    /** Blob GET requests passed to the registry for {@code digest}. */
    int blobGets(String digest) {
        AtomicInteger n = blobGets.get(digest);
        return n == null ? 0 : n.get();
    }

    /** Blob GET requests that carried a Range header. */
    int rangedBlobGets() {
        return rangedBlobGets.get();
    }

    /** Manifest GET requests passed to the registry. */
    int manifestGets() {
        return manifestGets.get();
    }

    /** Body bytes of the PATCH requests passed to the registry. */
    long patchBytes() {
        return patchBytes.get();
    }

    HttpRelay requireBearer(String user, String password) {
        this.user = user;
        this.password = password;
        this.bearer = true;
        return this;
    }

    /** Forgets every token issued, so the next request with one gets a 401. */
    void revokeTokens() {
        tokens.clear();
    }

    String host() {
        return "127.0.0.1:" + server.port();
    }

    long blobBytes(String digest) {
        AtomicLong n = blobBytes.get(digest);
        return n == null ? 0 : n.get();
    }

    long allBlobBytes() {
        return blobBytes.values().stream().mapToLong(AtomicLong::get).sum();
    }

    int tokensIssued() {
        return tokensIssued.get();
    }

    int unauthorizedAnswers() {
        return unauthorized.get();
    }

    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        String path = req.uri().contains("?") ? req.uri().substring(0, req.uri().indexOf('?')) : req.uri();
        if (bearer && path.equals("/token")) {
            return token(req, res);
        }
        if (bearer && path.startsWith("/v2/") && !authorized(req, path)) {
            unauthorized.incrementAndGet();
            Matcher m = REPO.matcher(path);
            String scope = m.matches() ? "repository:" + m.group(1) + ":" + action(req) : "registry:catalog:*";
            return req.receive().then(res.status(HttpResponseStatus.UNAUTHORIZED)
                    .header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"http://" + host()
                            + "/token\",service=\"stowage-test\",scope=\"" + scope + "\"")
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .sendString(Mono.just("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication"
                            + " required\"}]}")).then());
        }
        Flux<ByteBuf> requestBody = req.receive().retain();
        if (req.method().equals(HttpMethod.PATCH)) {
            if (failedPatches.contains(patches.incrementAndGet())) {
                return req.receive().then(res.status(HttpResponseStatus.SERVICE_UNAVAILABLE)
                        .sendString(Mono.just("relay: refusing this PATCH")).then());
            }
            requestBody = requestBody.doOnNext(b -> patchBytes.addAndGet(b.readableBytes()));
        }
        Flux<ByteBuf> forwarded = requestBody;
        Matcher blob = BLOB.matcher(path);
        boolean blobGet = req.method().equals(HttpMethod.GET) && blob.matches();
        if (req.method().equals(HttpMethod.GET) && path.contains("/manifests/")) {
            manifestGets.incrementAndGet();
        }
        if (blobGet) {
            blobGets.computeIfAbsent(blob.group(2), k -> new AtomicInteger()).incrementAndGet();
            if (req.requestHeaders().contains(HttpHeaderNames.RANGE) && !ignoreRange) {
                rangedBlobGets.incrementAndGet();
            }
            int left = blobGetFailuresLeft.getAndDecrement();
            if (left > 0) {
                return res.status(left % 2 == 0 ? HttpResponseStatus.TOO_MANY_REQUESTS
                                : HttpResponseStatus.SERVICE_UNAVAILABLE)
                        .sendString(Mono.just("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"relay\"}]}"))
                        .then();
            }
        }
        return upstream.headers(h -> {
                    h.set(req.requestHeaders());
                    h.remove(HttpHeaderNames.AUTHORIZATION);
                    if (ignoreRange) {
                        h.remove(HttpHeaderNames.RANGE);
                    }
                })
                .request(req.method())
                .uri(req.uri())
                .send(forwarded)
                .response((ures, body) -> {
                    res.status(ures.status());
                    ures.responseHeaders().forEach(e -> {
                        if (!e.getKey().equalsIgnoreCase("transfer-encoding") && !e.getKey().equalsIgnoreCase("connection")) {
                            res.addHeader(e.getKey(), e.getValue());
                        }
                    });
                    String range = ures.responseHeaders().get(HttpHeaderNames.CONTENT_RANGE);
                    if (wrongContentRange && ures.status().code() == 206 && range != null) {
                        Matcher m = Pattern.compile("bytes (\\d+)-(.*)").matcher(range);
                        if (m.matches()) {
                            res.header(HttpHeaderNames.CONTENT_RANGE, "bytes " + (Long.parseLong(m.group(1)) + 1)
                                    + "-" + m.group(2));
                        }
                    }
                    Flux<ByteBuf> out = body.retain();
                    if (blobGet) {
                        AtomicLong counter = blobBytes.computeIfAbsent(blob.group(2), k -> new AtomicLong());
                        if (chunkDelay != null) {
                            out = out.delayElements(chunkDelay).doOnDiscard(ByteBuf.class, ByteBuf::release);
                        }
                        if (corruptAt >= 0) {
                            long at = corruptAt;
                            AtomicLong seen = new AtomicLong();
                            out = out.map(b -> {
                                long start = seen.getAndAdd(b.readableBytes());
                                if (at >= start && at < start + b.readableBytes()) {
                                    int i = b.readerIndex() + (int) (at - start);
                                    b.setByte(i, b.getByte(i) ^ 0x5a);
                                }
                                return b;
                            });
                        }
                        if (holdAfter != Long.MAX_VALUE) {
                            long mark = holdAfter;
                            AtomicLong passed = new AtomicLong();
                            out = out.concatMap(b -> passed.getAndAdd(b.readableBytes()) < mark ? Mono.just(b)
                                    : released.asMono().thenReturn(b), 1)
                                    .doOnDiscard(ByteBuf.class, ByteBuf::release);
                        }
                        long length = ures.responseHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
                        if (ures.status().code() / 100 == 2 && length > cutAfter && cutsLeft.getAndDecrement() > 0) {
                            out = cut(out, cutAfter);
                        }
                        // counted as sent on: what a hold keeps back or a cut drops is not
                        out = out.doOnNext(b -> counter.addAndGet(b.readableBytes()));
                    }
                    return res.send(out).then();
                })
                .then();
    }

    private static Flux<ByteBuf> cut(Flux<ByteBuf> in, long after) {
        long[] passed = {0};
        return in.handle((buf, sink) -> {
            long room = after - passed[0];
            int n = buf.readableBytes();
            if (n < room) {
                passed[0] += n;
                sink.next(buf);
                return;
            }
            ByteBuf part = buf.readRetainedSlice((int) room);
            buf.release();
            passed[0] += room;
            sink.next(part);
            sink.error(new java.io.IOException("relay: cutting the response after " + after + " bytes"));
        });
    }

    private static String action(HttpServerRequest req) {
        return req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD) ? "pull" : "push";
    }

    private boolean authorized(HttpServerRequest req, String path) {
        String h = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        if (h == null || !h.startsWith("Bearer ")) {
            return false;
        }
        Set<String> granted = tokens.get(h.substring(7));
        if (granted == null) {
            return false;
        }
        if (path.equals("/v2/") || path.equals("/v2")) {
            return true;
        }
        Matcher m = REPO.matcher(path);
        return m.matches() && granted.contains(m.group(1) + ":" + action(req));
    }

    private Mono<Void> token(HttpServerRequest req, HttpServerResponse res) {
        if (user != null) {
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION))) {
                return res.status(HttpResponseStatus.UNAUTHORIZED).sendString(Mono.just("{\"details\":\"bad"
                        + " credentials\"}")).then();
            }
        }
        Set<String> granted = ConcurrentHashMap.newKeySet();
        var query = new io.netty.handler.codec.http.QueryStringDecoder(req.uri());
        for (String scope : query.parameters().getOrDefault("scope", java.util.List.of())) {
            for (String s : scope.split(" ")) {
                String[] parts = s.split(":");
                if (parts.length == 3 && parts[0].equals("repository")) {
                    for (String a : parts[2].split(",")) {
                        granted.add(parts[1] + ":" + a);
                    }
                }
            }
        }
        String token = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + "-" + tokensIssued.get();
        tokens.put(token, granted);
        tokensIssued.incrementAndGet();
        return res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .sendString(Mono.just("{\"token\":\"" + token + "\",\"expires_in\":300}")).then();
    }

    @Override
    public void close() {
        server.disposeNow();
        pool.dispose();
    }
}
