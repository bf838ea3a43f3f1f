package io.stowage.transfer;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.net.BodyPieces;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Single objects fetched from an upstream registry on demand, for a pull-through mirror: a manifest by tag or
 * digest (read whole, digest checked), the size of a blob ({@code HEAD}), and a blob fetched into the store with
 * the pull machinery ({@link BlobFetch}: the ingest {@code pull-<digest>} opened with the predeclared size and
 * digest, waiting for its lock, resumed with {@code Range} after a dropped connection, retried, reset at offset 0
 * when the registry ignores ranges, committed with size and digest). Never blocks; thread-safe; {@link #close()}
 * releases the connection pool.
 */
public final class Upstream implements AutoCloseable {
    /** A manifest or index as the upstream registry served it. */
    public record FetchedManifest(Descriptor descriptor, byte[] bytes) {
    }

    private final ContentStore store;
    private final ConnectionProvider pool;
    private final Authorizer.PerRegistry clients;

    private Upstream(ContentStore store, TransferOptions options) {
        this.store = store;
        this.pool = ConnectionProvider.builder("stowage-upstream").maxConnections(64)
                .pendingAcquireMaxCount(-1).build();
        this.clients = new Authorizer.PerRegistry(HttpClient.create(pool).responseTimeout(options.stallTimeout())
                .httpResponseDecoder(spec -> spec.maxChunkSize(BodyPieces.MAX)),
                options);
    }

    /** Fetches into {@code store} (not owned) with {@code options} (plain HTTP, credentials, retries, stalls). */
    public static Upstream create(ContentStore store, TransferOptions options) {
        return new Upstream(Objects.requireNonNull(store, "store"), Objects.requireNonNull(options, "options"));
    }

    /**
     * The manifest {@code ref} names (by tag or digest), checked against the reference's digest or the registry's
     * {@code Docker-Content-Digest}. Errors: NOT_FOUND, FAILED_PRECONDITION (digest mismatch, unsupported type),
     * UNAVAILABLE (unreachable or failing after retries).
     */
    public Mono<FetchedManifest> manifest(Reference ref) {
        return Mono.defer(() -> Puller.resolve(clients.client(ref)))
                .map(f -> new FetchedManifest(f.descriptor(), f.bytes()));
    }

    /**
     * The descriptor (size from {@code Content-Length}) of blob {@code digest} in {@code repository} of the
     * registry, by {@code HEAD}. Errors: NOT_FOUND, UNAVAILABLE, FAILED_PRECONDITION when no size is given.
     */
    public Mono<Descriptor> blob(String registry, String repository, Digest digest) {
        return Mono.defer(() -> {
            RegistryClient client = clients.client(new Reference(registry, repository, null, digest));
            RegistryClient.Request head = RegistryClient.Request.of(HttpMethod.HEAD, client.url("blobs/" + digest));
            return client.fetch(head, client.scopes(false), 0).map(res -> {
                String length = res.header(HttpHeaderNames.CONTENT_LENGTH);
                try {
                    long size = Long.parseLong(length == null ? "" : length.strip());
                    if (size >= 0) {
                        return new Descriptor("application/octet-stream", digest, size);
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw ContentException.failedPrecondition(head + ": no usable Content-Length (" + length + ")");
            });
        });
    }

    /**
     * Fetches blob {@code desc} of {@code repository} into the store under the ingest {@code pull-<digest>} (see
     * {@link BlobFetch}); completes once it is committed, or found committed. {@code listener} hears the blob's
     * events: {@link BlobState#DOWNLOADING} once the ingest's writer is open (readers can follow it from then on).
     */
    public Mono<Void> fetch(String registry, String repository, Descriptor desc, Map<String, String> labels,
                            TransferListener listener) {
        return Mono.defer(() -> {
            RegistryClient client = clients.client(new Reference(registry, repository, null, desc.digest()));
            return new BlobFetch(client, store, desc, labels, listener).run();
        });
    }

    /** The ingest ref a fetch of {@code digest} writes under. */
    public static String ingestRef(Digest digest) {
        return StoredLabels.pullRef(digest);
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
