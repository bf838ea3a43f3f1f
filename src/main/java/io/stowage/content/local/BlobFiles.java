package io.stowage.content.local;

import io.stowage.content.Digest;
import java.nio.file.Path;

/**
 * Implemented by stores whose committed blobs are plain files, so a server can send them zero-copy. The file is
 * immutable once committed; it may be deleted at any time, so callers check existence (e.g. through
 * {@code info}) and handle a missing file. Thread-safe.
 */
public interface BlobFiles {
    /** Where the committed blob {@code digest} is (or would be) stored. Does no I/O. */
    Path blobFile(Digest digest);

    /**
     * True when the store checks the bytes of whole-blob reads against their digest ({@code verifyOnRead}): the
     * file must then go through {@code read}, not be sent zero-copy.
     */
    default boolean verifiesReads() {
        return false;
    }

    /**
     * Tells the store that {@code digest} is being read through its file (zero-copy), so that its last-read time,
     * which quota eviction goes by, moves. Cheap and non-blocking.
     */
    default void noteRead(Digest digest) {
    }
}
