package io.stowage.content.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Refs;
import io.stowage.content.Status;
import io.stowage.content.Verification;
import io.stowage.content.Verifier;
import io.stowage.content.Writer;
import io.stowage.net.BodyPieces;
import io.stowage.net.ClientSecurity;
import io.stowage.server.ContentJson;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A {@link ContentStore} that is a client of a stowage server (issue 3's HTTP + WebSocket API), keeping the same
 * contract as the local store: the same error codes (the server's {@code {"code","message"}} errors become
 * ContentExceptions with that code, and {@code offset} of {@code out_of_range} the current offset), the same
 * predeclared total/expected, reset at offset 0 and resume. Like containerd's content proxy, it holds no state
 * of its own beyond connections.
 *
 * <p>Committed content and ingest queries are plain requests on a pool of HTTP connections; lists are decoded as
 * they stream in; {@code read} asks for a {@code Range} and streams the bytes with backpressure. Each writer is a
 * WebSocket write session on a connection of its own ({@link RemoteWriter}), holding the ref's lock on the
 * server until commit, close, or an abort of the ref.
 *
 * <p>As a {@link Verifier} it asks the server to re-hash blobs ({@code POST /v1/content/{digest}/verify},
 * {@code POST /v1/verify}). Never blocks; thread-safe. {@link #close()} ends open writers (their ingests stay resumable on the server)
 * and the pool; calls made after it fail with FAILED_PRECONDITION.
 */
public final class RemoteContentStore implements ContentStore, Verifier {
    /** The longest lock wait the wire accepts. */
    static final Duration MAX_WAIT = Duration.ofHours(1);
    private final URI address;
    private final RemoteOptions options;
    private final ConnectionProvider pool;
    private final HttpApi api;
    private final HttpClient sessions;
    private final ClosedRefs closedRefs;
    private final Set<RemoteWriter> writers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RemoteContentStore(URI address, RemoteOptions options, ClientSecurity security) {
        this.address = address;
        this.options = options;
        String base = baseUrl(address);
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis());
        this.pool = ConnectionProvider.builder("stowage-remote")
                .maxConnections(options.maxConnections())
                .pendingAcquireTimeout(options.acquireTimeout())
                .build();
        HttpClient pooled = HttpClient.create(pool).baseUrl(base)
                .httpResponseDecoder(spec -> spec.maxChunkSize(BodyPieces.MAX))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .option(ChannelOption.TCP_NODELAY, true);
        // a session's upgrade request takes the ref's lock: never resent behind the caller's back
        HttpClient own = HttpClient.newConnection().baseUrl(base)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .disableRetry(true);
        pooled = security.configure(pooled, address);
        own = security.configure(own, address);
        this.api = new HttpApi(pooled);
        this.sessions = own;
        this.closedRefs = new ClosedRefs(options.lockReleaseWait());
    }

    /** A client of the server at {@code address} ({@code http://host:port}) with {@link RemoteOptions#defaults()}. */
    public static RemoteContentStore connect(URI address) {
        return connect(address, RemoteOptions.defaults());
    }

    /**
     * A client of the server at {@code address} ({@code http://host:port} or {@code https://...}, optionally with
     * a path prefix). Nothing is sent until the first call: a server that is down shows as UNAVAILABLE then.
     */
    public static RemoteContentStore connect(URI address, RemoteOptions options) {
        return connect(address, options, ClientSecurity.none());
    }

    /**
     * As {@link #connect(URI, RemoteOptions)}, checking an https server's certificate and sending credentials as
     * {@code security} says. Reads its CA file now (blocking: not on an event loop); a bad one is
     * INVALID_ARGUMENT.
     */
    public static RemoteContentStore connect(URI address, RemoteOptions options, ClientSecurity security) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(security, "security");
        String scheme = address.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || address.getHost() == null) {
            throw ContentException.invalidArgument("server address " + address + ": expected http://HOST:PORT");
        }
        return new RemoteContentStore(address, options, security);
    }

    /** The server this store talks to. */
    public URI address() {
        return address;
    }

    @Override
    public Flux<ByteBuffer> read(Digest digest, long offset, long length) {
        return Flux.defer(() -> {
            checkOpen();
            if (offset < 0) {
                throw ContentException.invalidArgument("read of " + digest + ": negative offset " + offset);
            }
            if (length == 0) {
                return api.head(WirePaths.blob(digest)).thenMany(Flux.empty());
            }
            long last = length < 0 || offset > Long.MAX_VALUE - length ? -1 : offset + length - 1;
            return api.getBytes(WirePaths.blob(digest), offset, last);
        });
    }

    @Override
    public Mono<Info> info(Digest digest) {
        return Mono.defer(() -> {
            checkOpen();
            return api.getJson(WirePaths.info(digest)).map(ContentJson::readInfo);
        });
    }

    @Override
    public Mono<Info> update(Info info, String... fieldpaths) {
        return Mono.defer(() -> {
            checkOpen();
            ObjectNode body = ContentJson.mapper().createObjectNode();
            body.set("labels", ContentJson.mapper().valueToTree(info.labels()));
            String path = WirePaths.withRepeated(WirePaths.info(info.digest()), "fieldpath", List.of(fieldpaths));
            return api.sendJson(HttpMethod.PATCH, path, ContentJson.toBytes(body)).map(ContentJson::readInfo);
        });
    }

    @Override
    public Flux<Info> walk(List<String> filters) {
        return Flux.defer(() -> {
            checkOpen();
            return api.getArray(WirePaths.withRepeated(WirePaths.CONTENT, "filter", filters), ContentJson::readInfo);
        });
    }

    @Override
    public Mono<Void> delete(Digest digest) {
        return Mono.defer(() -> {
            checkOpen();
            return api.delete(WirePaths.blob(digest));
        });
    }

    @Override
    public Mono<Verification> verify(Digest digest, boolean quarantine) {
        return Mono.defer(() -> {
            checkOpen();
            return api.postJson(WirePaths.verify(digest, quarantine)).map(ContentJson::readVerification);
        });
    }

    @Override
    public Flux<Verification> verifyAll(boolean quarantine) {
        return Flux.defer(() -> {
            checkOpen();
            return api.postArray(WirePaths.VERIFY + (quarantine ? "?quarantine=true" : ""),
                    ContentJson::readVerification);
        });
    }

    @Override
    public Mono<Status> status(String ref) {
        return Mono.defer(() -> {
            checkOpen();
            return api.getJson(WirePaths.ingest(Refs.validate(ref))).map(ContentJson::readStatus);
        });
    }

    @Override
    public Flux<Status> listStatuses(List<String> filters) {
        return Flux.defer(() -> {
            checkOpen();
            return api.getArray(WirePaths.withRepeated(WirePaths.INGESTS, "filter", filters),
                    ContentJson::readStatus);
        });
    }

    @Override
    public Mono<Void> abort(String ref) {
        return Mono.defer(() -> {
            checkOpen();
            return api.delete(WirePaths.ingest(Refs.validate(ref)));
        });
    }

    /**
     * Opens a write session on the server ({@code GET /v1/ingests/{ref}/write?total=T&expected=D}). A refused
     * upgrade is the server's error: UNAVAILABLE (locked, with since when), ALREADY_EXISTS, INVALID_ARGUMENT.
     */
    @Override
    public Mono<Writer> writer(String ref, long total, Digest expected) {
        return expiringWriter(ref, total, expected, null);
    }

    /** As {@link #writer(String, long, Digest)}, with {@code expiry=S} (whole seconds) on the session's URI. */
    @Override
    public Mono<Writer> expiringWriter(String ref, long total, Digest expected, java.time.Duration expiry) {
        return writer(ref, total, expected, Duration.ZERO, expiry);
    }

    /**
     * Opens a write session whose upgrade the server answers once it has the ref's lock, waiting up to
     * {@code waitUpTo} for it ({@code GET /v1/ingests/{ref}/write?...&wait=Nms}; none below a millisecond): the
     * server is woken by the release, nothing polls. Waits over the wire's limit of one hour are cut to it.
     */
    @Override
    public Mono<Writer> writer(String ref, long total, Digest expected, Duration waitUpTo, Duration expiry) {
        Objects.requireNonNull(waitUpTo, "waitUpTo");
        return Mono.defer(() -> {
            io.stowage.content.Ingester.validateExpiry(ref, expiry);
            checkOpen();
            Refs.validate(ref);
            if (total < 0) {
                throw ContentException.invalidArgument("ref " + ref + ": negative total " + total);
            }
            Duration wait = waitUpTo.toMillis() < 1 ? Duration.ZERO
                    : waitUpTo.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : waitUpTo;
            return closedRefs.open(ref, openWriter(ref, total, expected, wait, expiry));
        });
    }

    private Mono<Writer> openWriter(String ref, long total, Digest expected, Duration wait, Duration expiry) {
        return WriteSession.open(sessions, WirePaths.writeSession(ref, total, expected, wait, expiry), ref, options)
                .<Writer>flatMap(session -> opened(session, ref, expected)
                        .onErrorResume(e -> session.close(WireErrors.of("write session of ref " + ref, e))
                                .then(Mono.error(e)))
                        .doOnCancel(session::dispose))
                // the server may hold the lock for a moment after a cancelled opening
                .doOnCancel(() -> closedRefs.closed(ref));
    }

    /**
     * The writer of a just opened session, with the ingest's status: a stat answers all but {@code expected}, so
     * when the caller declared none (the stored one may apply) the ingest's status is fetched instead.
     */
    private Mono<RemoteWriter> opened(WriteSession session, String ref, Digest expected) {
        Mono<Status> status = expected != null
                ? session.ask(RemoteWriter.request("stat")).map(a -> RemoteWriter.status(ref, a, expected))
                : api.getJson(WirePaths.ingest(ref)).map(ContentJson::readStatus);
        return status.map(st -> {
            RemoteWriter w = new RemoteWriter(session, st, options.maxFrameBytes(), self -> {
                closedRefs.closed(ref);
                writers.remove(self);
            });
            writers.add(w);
            session.ended().subscribe(reason -> writers.remove(w));
            if (closed) {
                w.closeNow();
            }
            return w;
        });
    }

    /** Ends every open writer (dropping its session: the server keeps the data and releases the lock) and the pool. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RemoteWriter w : writers) {
            w.closeNow();
        }
        writers.clear();
        pool.disposeLater().subscribe(null, e -> { });
    }

    private void checkOpen() {
        if (closed) {
            throw ContentException.failedPrecondition("remote store of " + address + " is closed");
        }
    }

    private static String baseUrl(URI address) {
        String s = address.toString();
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    @Override
    public String toString() {
        return "RemoteContentStore[" + address + "]";
    }
}
