package io.stowage.content.local;

import io.stowage.content.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The on-disk layout of a local store, drawn once:
 *
 * <pre>
 * ROOT/
 *   blobs/
 *     sha256/&lt;hex&gt;            committed content, read-only, named by its digest
 *     sha512/&lt;hex&gt;
 *   ingest/
 *     &lt;sha256 of ref&gt;/         one directory per ingest (data file first, declaration last: {@link IngestFiles})
 *       (user.stowage.ingest)   the directory's attribute: start time, total, expected digest, expiry, the ref
 *       data                    the bytes written so far; its mtime is the ingest's update time
 *       status                  the declaration where the file system refuses user attributes
 *       ref, startedat, total,  (read when there is neither: the layout of stores before 2026-11-30, one file a
 *       expected, expiry,        field; updatedat counts when later than the data's mtime)
 *       updatedat
 *     .tmp-&lt;random&gt;/          a finished ingest directory being removed; removed on open
 *   quarantine/
 *     sha256/&lt;hex&gt;[.&lt;millis&gt;]  corrupt blobs moved out of blobs/ by a verification with quarantine
 *   metadata.db                 SQLite: labels and timestamps of committed content
 *   .lock                       held by the one store open on this root ({@link RootLock})
 * </pre>
 *
 * Refs never become path components: only the hex of their hash does, so a ref cannot make the store write
 * outside its root. Digests are validated on creation, so they are safe as file names.
 */
final class BlobPaths {
    private final Path root;
    private final Path blobs;
    private final Path ingest;

    BlobPaths(Path root) {
        this.root = root;
        this.blobs = root.resolve("blobs");
        this.ingest = root.resolve("ingest");
    }

    Path root() {
        return root;
    }

    Path blobsDir() {
        return blobs;
    }

    Path blobDir(String algorithm) {
        return blobs.resolve(algorithm);
    }

    Path blob(Digest d) {
        return blobs.resolve(d.algorithm()).resolve(d.hex());
    }

    Path ingestRoot() {
        return ingest;
    }

    Path ingestDir(String ref) {
        return ingest.resolve(Digest.sha256(ref.getBytes(StandardCharsets.UTF_8)).hex());
    }

    /** Where a corrupt blob is moved; a later name if a blob of that digest was quarantined before. */
    Path quarantined(Digest d) {
        Path p = root.resolve("quarantine").resolve(d.algorithm()).resolve(d.hex());
        return Files.exists(p) ? p.resolveSibling(d.hex() + "." + System.currentTimeMillis()) : p;
    }

    Path metadataDb() {
        return root.resolve("metadata.db");
    }
}
