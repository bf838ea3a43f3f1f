package io.stowage.gc;

import io.stowage.content.local.LocalContentStore;
import io.stowage.metadata.MetadataDb;
import reactor.core.publisher.Mono;

/**
 * A mark-and-sweep collector over a content store and its metadata, safe to run while the store serves reads,
 * ingests, commits, pulls and pushes.
 *
 * <p><b>Roots</b>: image targets; registry tags, manifests and blob links; content labelled
 * {@code containerd.io/gc.root}; the content resources of live leases; content committed at or after the start of
 * the collection. <b>Edges</b>: {@code containerd.io/gc.ref.content.*} labels, and for blobs without such labels the
 * {@code config}, {@code layers}, {@code manifests}, {@code blobs} and {@code subject} descriptors of their JSON
 * (manifests, indexes and artifact manifests). Everything else is swept. Ingests whose last update is older than
 * {@link GcOptions#ingestExpiry()} and that no live lease holds are aborted.
 *
 * <p><b>Why it is safe online.</b> Let {@code T} be the instant the collection starts. (1) A blob committed at or
 * after {@code T} has a {@code content} row with {@code createdAt >= T} and is never swept; a blob file whose row is
 * not written yet (between the commit's rename and its insert) has no row and is swept only when its inode change
 * time is older than {@code T - orphanGrace}, which a commit in flight never is. (2) Each deletion runs in one
 * transaction on the metadata database thread, the thread every metadata write (images, registry links and tags,
 * labels, leases) also runs on; inside it the collector re-checks, against the state at that moment, that no image,
 * registry record, live lease, {@code gc.root} label or {@code gc.ref} label of a remaining blob names the blob, and
 * deletes row and file only then. A reference written before that transaction is therefore seen; one written after
 * it must have been preceded by a check that the blob exists, which is where (3) comes in. (3) A client that
 * references content it did not just commit (a pull that finds a layer present, a push that skips an upload)
 * adds it to a lease first and checks its existence afterwards: if the deletion ran first, the check fails and the
 * client writes the blob again; if the lease came first, the re-check in (2) sees it. Blobs are deleted parents
 * first, so a child is only deleted after every garbage parent naming it. The remaining gap is a reference to
 * content that exists only through the JSON of an unlabelled blob written without a lease; clients must label
 * such content or lease its children, as in containerd.
 *
 * <p>One collection runs at a time; a second request while one runs fails with UNAVAILABLE.
 */
public interface GarbageCollector {
    /** A collector over a local store and the metadata database it keeps its labels in. */
    static GarbageCollector local(LocalContentStore store, MetadataDb db, GcOptions options) {
        return MarkSweep.create(store, db, options);
    }

    /** Runs one collection; with {@code dryRun} nothing is deleted or aborted and the report says what would be. */
    Mono<GcReport> collect(boolean dryRun);

    /**
     * Runs one collection for the disk quota: marks as {@link #collect} does, then removes unreferenced content
     * least recently read first (a blob never read counts as read when committed) until {@code bytes} are freed or
     * nothing unreferenced is left; ingests are not touched. Waits for a collection already running instead of
     * failing. The report says what was removed and freed. By default a full collection, which frees at least as
     * much.
     */
    default Mono<GcReport> evict(long bytes) {
        return collect(false);
    }
}
