package io.stowage.transfer;

import io.stowage.content.Descriptor;
import java.util.Objects;

/**
 * A change of one blob's state in a pull or push, as the transfer itself sees it. Byte counts between these
 * events come from the store's ingest statuses ({@link TransferProgress}). Immutable.
 *
 * @param descriptor the blob
 * @param state its new state
 * @param offset the bytes of it known to be done at this point (e.g. where a resumed download starts), or -1
 * @param message a note (a retry and its cause, an error), or null
 */
public record BlobEvent(Descriptor descriptor, BlobState state, long offset, String message) {
    public BlobEvent {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(state, "state");
    }

    /** An event with no offset and no note. */
    public static BlobEvent of(Descriptor d, BlobState s) {
        return new BlobEvent(d, s, -1, null);
    }
}
