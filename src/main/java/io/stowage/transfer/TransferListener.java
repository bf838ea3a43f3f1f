package io.stowage.transfer;

/**
 * Told every {@link BlobEvent} of a transfer, from whatever thread the transfer runs on: it must be thread-safe,
 * quick and must not block (hand the event to a sink or a map, nothing more).
 */
@FunctionalInterface
public interface TransferListener {
    /** A listener that ignores everything. */
    TransferListener NONE = e -> { };

    void onEvent(BlobEvent event);
}
