package io.stowage.content;

/**
 * A content-addressable blob store: content is written through ref-locked, resumable ingests and committed under
 * its digest. The composition of containerd's {@code content.Store}: {@link Provider}, {@link ContentManager},
 * {@link IngestManager} and {@link Ingester}. Every operation is non-blocking and signals errors as
 * {@link ContentException}. Implementations are thread-safe.
 */
public interface ContentStore extends Provider, ContentManager, IngestManager, Ingester, AutoCloseable {
    /** Releases the store's resources; open writers are closed (their ingests stay resumable). */
    @Override
    void close();
}
