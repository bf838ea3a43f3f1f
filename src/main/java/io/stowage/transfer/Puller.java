package io.stowage.transfer;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.gc.Lease;
import io.stowage.gc.LeaseResource;
import io.stowage.gc.Leases;
import io.stowage.images.Image;
import io.stowage.images.ImageStore;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Pulls images from OCI registries into any {@link ContentStore}, as containerd's pull does:
 * <ol>
 *   <li>resolve the reference: {@code GET /v2/NAME/manifests/TAG|DIGEST} asking for OCI and Docker schema 2
 *       manifests and indexes; the digest is checked (against the reference's, and the
 *       {@code Docker-Content-Digest} header);</li>
 *   <li>walk index → manifest → config and layers; from an index only the manifest of the chosen platform is
 *       taken (the first that matches), or all of them ({@link TransferOptions#allPlatforms()}); manifests already
 *       in the store are read from it;</li>
 *   <li>fetch the config and layers, at most {@link TransferOptions#concurrency()} at once, each resumably through
 *       the store's writer under {@code pull-<digest>} ({@link BlobFetch}); content already stored is skipped, and
 *       a blob another pull is fetching is waited for, then found committed;</li>
 *   <li>commit the manifests and indexes children first, labelled with containerd's
 *       {@code containerd.io/gc.ref.content.*} references to their children ({@link GcLabels}); every blob also
 *       gets {@code containerd.io/distribution.source.REGISTRY=REPOSITORY};</li>
 *   <li>record the image ({@code REGISTRY/REPOSITORY:TAG} → root descriptor) in the {@link ImageStore}.</li>
 * </ol>
 * A pull that fails or is cancelled leaves its ingests for the next pull to resume. Nothing blocks; heap use does
 * not grow with blob size (bodies are streamed one buffer at a time into the writer). Thread-safe;
 * {@link #close()} releases the connection pool.
 */
public final class Puller implements AutoCloseable {
    /** The safety-net expiry of a pull's temporary lease, should the process die before deleting it. */
    static final Duration LEASE_TTL = Duration.ofHours(24);

    private final ContentStore store;
    private final ImageStore images;
    private final Leases leases;
    private final TransferOptions options;
    private final ConnectionProvider pool;
    private final Authorizer.PerRegistry clients;

    private Puller(ContentStore store, ImageStore images, Leases leases, TransferOptions options) {
        this.store = store;
        this.images = images;
        this.leases = leases;
        this.options = options;
        this.pool = ConnectionProvider.builder("stowage-pull").maxConnections(Math.max(8, options.concurrency() * 2))
                .pendingAcquireMaxCount(-1).build();
        this.clients = new Authorizer.PerRegistry(options.httpClient(pool), options);
    }

    /**
     * A puller writing into {@code store} and recording images in {@code images} (null: images are not recorded).
     * Neither is owned.
     */
    public static Puller create(ContentStore store, ImageStore images, TransferOptions options) {
        return create(store, images, null, options);
    }

    /**
     * As {@link #create(ContentStore, ImageStore, TransferOptions)}, pulling under a temporary lease of
     * {@code leases} (null: none): once the manifests are walked, every blob and manifest of the image is added to
     * the lease before the store is asked whether it has it, so that garbage collection cannot remove content the
     * pull found present (or has just written) before the image refers to it; the lease is deleted when the pull
     * ends, however it ends.
     */
    public static Puller create(ContentStore store, ImageStore images, Leases leases, TransferOptions options) {
        return new Puller(Objects.requireNonNull(store, "store"), images, leases,
                Objects.requireNonNull(options, "options"));
    }

    /** Pulls {@code ref}; see {@link #pull(Reference, TransferListener)}. */
    public Mono<Image> pull(Reference ref) {
        return pull(ref, TransferListener.NONE);
    }

    /**
     * Pulls {@code ref}, telling {@code listener} of each blob's state changes, and emits the image as recorded.
     * Errors: NOT_FOUND (no such manifest or blob, or no manifest for the platform), FAILED_PRECONDITION
     * (refused by the registry, digest mismatch, unsupported manifest type), UNAVAILABLE (the registry could not
     * be reached or kept failing), and the store's errors.
     */
    public Mono<Image> pull(Reference ref, TransferListener listener) {
        if (leases != null) {
            return leases.withLease(LEASE_TTL, lease -> pull(ref, listener, lease)).next();
        }
        return pull(ref, listener, null);
    }

    private Mono<Image> pull(Reference ref, TransferListener listener, Lease lease) {
        return Mono.defer(() -> {
            RegistryClient client = clients.client(ref);
            Plan plan = new Plan();
            return resolve(client)
                    .flatMap(root -> walk(client, root, plan).thenReturn(root))
                    .flatMap(root -> protect(lease, plan).thenReturn(root))
                    .flatMap(root -> fetchAll(client, plan, listener)
                            .then(storeManifests(ref, plan, listener))
                            .then(record(ref, root.descriptor())));
        });
    }

    @Override
    public void close() {
        pool.dispose();
    }

    /** Adds every blob and manifest of the plan to the lease (none: nothing to do). */
    private Mono<Void> protect(Lease lease, Plan plan) {
        if (lease == null) {
            return Mono.empty();
        }
        List<Digest> all = new ArrayList<>(plan.blobs.keySet());
        plan.manifests.forEach(m -> all.add(m.descriptor().digest()));
        return Flux.fromIterable(all)
                .concatMap(d -> leases.addResource(lease.id(), LeaseResource.content(d)))
                .then();
    }

    /** A manifest or index in memory. */
    record Fetched(Descriptor descriptor, byte[] bytes, Manifest manifest) {
    }

    /** What a pull will store: leaf blobs (deduplicated) and manifests children first, with their labels. */
    private static final class Plan {
        final Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        final List<Fetched> manifests = new ArrayList<>();
        final Map<Digest, Map<String, String>> labels = new LinkedHashMap<>();
    }

    static Mono<Fetched> resolve(RegistryClient client) {
        Reference ref = client.reference();
        return client.fetch(manifestRequest(client, ref.object()), client.scopes(false), Manifest.MAX_BYTES)
                .map(res -> {
                    byte[] bytes = res.body();
                    Digest computed = Digest.of(ref.digest() != null ? ref.digest().algorithm() : Digest.SHA256, bytes);
                    if (ref.digest() != null && !computed.equals(ref.digest())) {
                        throw ContentException.failedPrecondition(ref + ": the registry sent a manifest with digest "
                                + computed);
                    }
                    String header = res.header("Docker-Content-Digest");
                    if (header != null && ref.digest() == null) {
                        Digest claimed = Digest.parse(header.strip());
                        Digest check = Digest.of(claimed.algorithm(), bytes);
                        if (!check.equals(claimed)) {
                            throw ContentException.failedPrecondition(ref + ": Docker-Content-Digest " + claimed
                                    + " does not match the manifest's bytes (" + check + ")");
                        }
                        computed = claimed;
                    }
                    String declared = MediaTypes.strip(res.header(HttpHeaderNames.CONTENT_TYPE));
                    Manifest m = Manifest.parse(bytes, declared, ref.toString());
                    return new Fetched(new Descriptor(m.mediaType(), computed, bytes.length), bytes, m);
                });
    }

    private static RegistryClient.Request manifestRequest(RegistryClient client, String object) {
        return RegistryClient.Request.of(HttpMethod.GET, client.url("manifests/" + object))
                .with(HttpHeaderNames.ACCEPT.toString(), MediaTypes.ACCEPT);
    }

    /** Walks below {@code node}, filling the plan. */
    private Mono<Void> walk(RegistryClient client, Fetched node, Plan plan) {
        Manifest m = node.manifest();
        if (!m.isIndex()) {
            for (Descriptor d : m.references()) {
                plan.blobs.putIfAbsent(d.digest(), d);
            }
            plan.labels.put(node.descriptor().digest(), GcLabels.children(m.references()));
            plan.manifests.add(node);
            return Mono.empty();
        }
        List<Descriptor> chosen = choose(node);
        plan.labels.put(node.descriptor().digest(), GcLabels.children(chosen));
        return Flux.fromIterable(chosen)
                .concatMap(d -> manifest(client, d).flatMap(child -> walk(client, child, plan)))
                .then(Mono.fromRunnable(() -> plan.manifests.add(node)));
    }

    /** The children of an index to pull: all, or the first manifest for the platform (nested indexes kept). */
    private List<Descriptor> choose(Fetched index) {
        List<Manifest.Child> children = index.manifest().children();
        if (options.allPlatforms()) {
            return children.stream().map(Manifest.Child::descriptor).toList();
        }
        List<Descriptor> out = new ArrayList<>();
        boolean found = false;
        for (Manifest.Child c : children) {
            if (c.platform() == null && MediaTypes.isIndex(c.descriptor().mediaType())) {
                out.add(c.descriptor());
            } else if (!found && c.platform() != null && options.platform().matches(c.platform())) {
                out.add(c.descriptor());
                found = true;
            }
        }
        if (out.isEmpty()) {
            throw ContentException.notFound("index " + index.descriptor().digest() + ": no manifest for platform "
                    + options.platform() + " (it has: " + children.stream()
                    .map(c -> c.platform() == null ? "unknown" : c.platform().toString())
                    .collect(Collectors.joining(", ")) + ")");
        }
        return out;
    }

    /** A manifest or index: from the store when it is there, else from the registry; digest and size checked. */
    private Mono<Fetched> manifest(RegistryClient client, Descriptor d) {
        if (d.size() > Manifest.MAX_BYTES) {
            return Mono.error(ContentException.failedPrecondition("manifest " + d.digest() + ": " + d.size()
                    + " bytes, more than " + Manifest.MAX_BYTES));
        }
        Mono<byte[]> local = store.info(d.digest())
                .flatMap(info -> store.read(d.digest())
                        .reduceWith(ByteArrayOutputStream::new, (out, buf) -> {
                            byte[] b = new byte[buf.remaining()];
                            buf.get(b);
                            out.write(b, 0, b.length);
                            return out;
                        })
                        .map(ByteArrayOutputStream::toByteArray))
                .onErrorResume(e -> ContentException.is(e, ErrorCode.NOT_FOUND), e -> Mono.empty());
        Mono<byte[]> remote = client.fetch(manifestRequest(client, d.digest().toString()), client.scopes(false),
                Manifest.MAX_BYTES).map(RegistryClient.Response::body);
        return local.switchIfEmpty(remote).map(bytes -> {
            Digest got = Digest.of(d.digest().algorithm(), bytes);
            if (!got.equals(d.digest()) || bytes.length != d.size()) {
                throw ContentException.failedPrecondition("manifest " + d.digest() + ": got " + bytes.length
                        + " bytes with digest " + got + ", expected " + d.size());
            }
            return new Fetched(d, bytes, Manifest.parse(bytes, d.mediaType(), "manifest " + d.digest()));
        });
    }

    private Mono<Void> fetchAll(RegistryClient client, Plan plan, TransferListener listener) {
        Reference ref = client.reference();
        Map<String, String> source = Map.of(GcLabels.sourceKey(ref.registry()), ref.repository());
        plan.blobs.values().forEach(d -> listener.onEvent(BlobEvent.of(d, BlobState.WAITING)));
        return Flux.fromIterable(plan.blobs.values())
                .flatMap(d -> new BlobFetch(client, store, d, source, listener).run()
                        .then(StoredLabels.addSource(store, d.digest(), ref.registry(), ref.repository())),
                        options.concurrency())
                .then();
    }

    private Mono<Void> storeManifests(Reference ref, Plan plan, TransferListener listener) {
        return Flux.fromIterable(plan.manifests)
                .concatMap(m -> {
                    Map<String, String> gc = plan.labels.get(m.descriptor().digest());
                    Map<String, String> labels = new LinkedHashMap<>(gc);
                    labels.put(GcLabels.sourceKey(ref.registry()), ref.repository());
                    return StoredLabels.writeSmall(store, m.descriptor(), m.bytes(), labels, gc)
                            .flatMap(written -> written ? Mono.just(written)
                                    : StoredLabels.addSource(store, m.descriptor().digest(), ref.registry(),
                                    ref.repository()).thenReturn(written))
                            .doOnNext(written -> listener.onEvent(BlobEvent.of(m.descriptor(),
                                    written ? BlobState.DONE : BlobState.EXISTS)));
                })
                .then();
    }

    private Mono<Image> record(Reference ref, Descriptor root) {
        Image image = Image.of(ref.toString(), root, Map.of());
        return images == null ? Mono.just(image) : images.put(image);
    }
}
