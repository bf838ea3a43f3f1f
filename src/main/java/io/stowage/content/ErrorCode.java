package io.stowage.content;

/**
 * The few categories every store error falls into. They mirror containerd's errdefs and are mapped to wire
 * codes (HTTP status, JSON {@code code}) in exactly one place, at the transport edge.
 */
public enum ErrorCode {
    /** The digest, ref or object does not exist. */
    NOT_FOUND("not_found"),
    /** The content is already in the store. */
    ALREADY_EXISTS("already_exists"),
    /** The ref is locked by another writer; the message says since when. Retrying later may succeed. */
    UNAVAILABLE("unavailable"),
    /** The state does not allow the operation, e.g. a size or digest mismatch on commit. */
    FAILED_PRECONDITION("failed_precondition"),
    /** A write at an offset other than the current one (or 0 for a reset). */
    OUT_OF_RANGE("out_of_range"),
    /** Malformed input: a bad digest, ref, filter, label or argument. */
    INVALID_ARGUMENT("invalid_argument"),
    /** Out of space or over a configured limit. */
    RESOURCE_EXHAUSTED("resource_exhausted"),
    /** The request carries no credentials, or credentials that are not valid. */
    UNAUTHENTICATED("unauthenticated"),
    /** The caller is known but may not do this (e.g. write with read-only access). */
    PERMISSION_DENIED("permission_denied"),
    /** A bug or an unexpected I/O failure; never caused by bad input. */
    INTERNAL("internal");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used on the wire, e.g. {@code not_found}. */
    public String wireName() {
        return wireName;
    }

    /** The code for a wire name; unknown names map to {@link #INTERNAL}. */
    public static ErrorCode fromWireName(String name) {
        for (ErrorCode c : values()) {
            if (c.wireName.equals(name)) {
                return c;
            }
        }
        return INTERNAL;
    }
}
