package io.stowage.transfer;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Pushes an image from any {@link ContentStore} to an OCI registry: walks the root (index → manifests → config
 * and layers) in the store, uploads the blobs the registry lacks, at most {@link TransferOptions#concurrency()} at
 * once ({@link BlobUpload}: HEAD check, cross-repository mount, chunked upload that resumes its session), then
 * PUTs the manifests children first and the root last, under the reference's tag (or digest). Every manifest an
 * index lists must be in the store. Thread-safe; {@link #close()} releases the connection pool.
 */
public final class Pusher implements AutoCloseable {
    private final ContentStore store;
    private final TransferOptions options;
    private final ConnectionProvider pool;
    private final Authorizer.PerRegistry clients;

    private Pusher(ContentStore store, TransferOptions options) {
        this.store = store;
        this.options = options;
        this.pool = ConnectionProvider.builder("stowage-push").maxConnections(Math.max(8, options.concurrency() * 2))
                .pendingAcquireMaxCount(-1).build();
        this.clients = new Authorizer.PerRegistry(HttpClient.create(pool).responseTimeout(options.stallTimeout()),
                options);
    }

    /** A pusher reading from {@code store} (not owned). */
    public static Pusher create(ContentStore store, TransferOptions options) {
        return new Pusher(Objects.requireNonNull(store, "store"), Objects.requireNonNull(options, "options"));
    }

    /** Pushes {@code root}; see {@link #push(Reference, Descriptor, TransferListener)}. */
    public Mono<Descriptor> push(Reference target, Descriptor root) {
        return push(target, root, TransferListener.NONE);
    }

    /**
     * Pushes the image whose root manifest or index is {@code root} (in the store) to {@code target}, and emits
     * the root descriptor. Errors: NOT_FOUND when content is missing from the store, FAILED_PRECONDITION when the
     * registry refuses (credentials, an invalid manifest), UNAVAILABLE when it cannot be reached or keeps failing.
     */
    public Mono<Descriptor> push(Reference target, Descriptor root, TransferListener listener) {
        return Mono.defer(() -> {
            RegistryClient client = clients.client(target);
            Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
            List<Descriptor> manifests = new ArrayList<>();
            return walk(root, blobs, manifests)
                    .then(Mono.defer(() -> {
                        blobs.values().forEach(d -> listener.onEvent(BlobEvent.of(d, BlobState.WAITING)));
                        return Flux.fromIterable(blobs.values())
                                .flatMap(d -> new BlobUpload(client, store, d, listener).run(), options.concurrency())
                                .then();
                    }))
                    .then(Flux.fromIterable(manifests)
                            .concatMap(m -> putManifest(client, m, m.equals(root) ? target.object()
                                    : m.digest().toString(), listener))
                            .then())
                    .thenReturn(root);
        });
    }

    @Override
    public void close() {
        pool.dispose();
    }

    /** Collects blobs and manifests below {@code d} (manifests children first). */
    private Mono<Void> walk(Descriptor d, Map<Digest, Descriptor> blobs, List<Descriptor> manifests) {
        return bytes(d).flatMap(b -> {
            Manifest m = Manifest.parse(b, d.mediaType(), "manifest " + d.digest());
            Descriptor self = new Descriptor(m.mediaType(), d.digest(), d.size(), d.annotations());
            if (!m.isIndex()) {
                m.references().forEach(r -> blobs.putIfAbsent(r.digest(), r));
                manifests.add(self);
                return Mono.empty();
            }
            return Flux.fromIterable(m.references())
                    .concatMap(child -> walk(child, blobs, manifests)
                            .onErrorMap(e -> ContentException.is(e, ErrorCode.NOT_FOUND),
                                    e -> ContentException.notFound("index " + d.digest() + " lists " + child.digest()
                                            + ", which is not in the store (pull it with all platforms to push"
                                            + " the whole index)")))
                    .then(Mono.fromRunnable(() -> manifests.add(self)));
        });
    }

    private Mono<byte[]> bytes(Descriptor d) {
        if (d.size() > Manifest.MAX_BYTES) {
            return Mono.error(ContentException.failedPrecondition("manifest " + d.digest() + ": too large"));
        }
        return store.info(d.digest()).then(store.read(d.digest())
                .reduceWith(ByteArrayOutputStream::new, (out, buf) -> {
                    byte[] b = new byte[buf.remaining()];
                    buf.get(b);
                    out.write(b, 0, b.length);
                    return out;
                })
                .map(ByteArrayOutputStream::toByteArray));
    }

    private Mono<Void> putManifest(RegistryClient client, Descriptor d, String object, TransferListener listener) {
        return bytes(d).flatMap(b -> {
            RegistryClient.Request r = RegistryClient.Request.of(HttpMethod.PUT, client.url("manifests/" + object))
                    .with(HttpHeaderNames.CONTENT_TYPE.toString(), d.mediaType())
                    .with(HttpHeaderNames.CONTENT_LENGTH.toString(), Integer.toString(b.length))
                    .withBody(() -> Mono.just(Unpooled.wrappedBuffer(b)));
            return client.fetch(r, client.scopes(true), 64 << 10);
        }).doOnNext(res -> listener.onEvent(BlobEvent.of(d, BlobState.DONE))).then();
    }
}
