package io.stowage.transfer;

import java.util.Locale;

/** Where one blob of a transfer is. */
public enum BlobState {
    /** Not started yet, or waiting for another transfer of the same blob to release it. */
    WAITING,
    /** Being fetched from the registry into the store. */
    DOWNLOADING,
    /** Being sent from the store to the registry. */
    UPLOADING,
    /** Already there (in the store for a pull, in the registry for a push, or mounted from another repository). */
    EXISTS,
    /** Transferred and verified. */
    DONE,
    /** Failed; the transfer as a whole fails. */
    ERROR;

    /** Lower-case name, as shown and sent in JSON events. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the states a blob does not leave. */
    public boolean isFinal() {
        return this == EXISTS || this == DONE || this == ERROR;
    }
}
