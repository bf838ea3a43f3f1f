package io.stowage.registry;

/**
 * Every error the registry API answers with, registered once: the wire {@code code}, the HTTP status and the
 * message, as distribution's {@code errcode} register does. The codes are those of distribution-spec 1.1; where
 * the spec has none for a case, distribution's own code is used ({@code TAG_INVALID}, {@code RANGE_INVALID},
 * {@code PAGINATION_NUMBER_INVALID}, {@code UNKNOWN}). Bodies are {@code {"errors":[{"code","message","detail"}]}}.
 *
 * <pre>
 *   BLOB_UNKNOWN               404  blob unknown to registry (or not linked to this repository)
 *   BLOB_UPLOAD_INVALID        400  blob upload invalid (malformed Content-Range, body cut short)
 *   BLOB_UPLOAD_UNKNOWN        404  blob upload unknown to registry
 *   DIGEST_INVALID             400  provided digest did not match uploaded content, or is malformed
 *   MANIFEST_BLOB_UNKNOWN      400  manifest references a manifest or blob unknown to the repository
 *   MANIFEST_INVALID           400  manifest invalid (bad JSON, schema, media type)
 *   MANIFEST_UNKNOWN           404  manifest unknown to the repository
 *   NAME_INVALID               400  invalid repository name
 *   NAME_UNKNOWN               404  repository name not known to registry
 *   SIZE_INVALID               400  provided length did not match content length
 *   SIZE_INVALID (too large)   413  manifest over the configured limit
 *   TAG_INVALID                400  reference is neither a tag nor a digest
 *   RANGE_INVALID              416  chunk out of order, or Range not satisfiable
 *   PAGINATION_NUMBER_INVALID  400  n is not a non-negative integer
 *   UNAUTHORIZED               401  authentication required (with a Bearer WWW-Authenticate challenge)
 *   DENIED                     403  requested access to the resource is denied
 *   UNSUPPORTED                405  method not allowed here, or deletion disabled
 *   UNSUPPORTED (no route)     404  no such endpoint under /v2/
 *   TOOMANYREQUESTS            429  upload session busy with another request
 *   DENIED (storage)           507  the upload does not fit in the store's quota, even after eviction
 *   UNAVAILABLE (upstream)     503  a mirror's upstream could not be reached or kept failing
 *   UNKNOWN (upstream)         502  a mirror's upstream answered wrongly (bytes not matching their digest)
 *   UNKNOWN                    500  unexpected failure (details logged, never sent)
 * </pre>
 */
enum RegistryError {
    BLOB_UNKNOWN("BLOB_UNKNOWN", 404, "blob unknown to registry"),
    BLOB_UPLOAD_INVALID("BLOB_UPLOAD_INVALID", 400, "blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN("BLOB_UPLOAD_UNKNOWN", 404, "blob upload unknown to registry"),
    DIGEST_INVALID("DIGEST_INVALID", 400, "provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN("MANIFEST_BLOB_UNKNOWN", 400, "manifest references a manifest or blob unknown to registry"),
    MANIFEST_INVALID("MANIFEST_INVALID", 400, "manifest invalid"),
    MANIFEST_UNKNOWN("MANIFEST_UNKNOWN", 404, "manifest unknown"),
    NAME_INVALID("NAME_INVALID", 400, "invalid repository name"),
    NAME_UNKNOWN("NAME_UNKNOWN", 404, "repository name not known to registry"),
    SIZE_INVALID("SIZE_INVALID", 400, "provided length did not match content length"),
    MANIFEST_TOO_LARGE("SIZE_INVALID", 413, "manifest too large"),
    TAG_INVALID("TAG_INVALID", 400, "manifest reference is neither a valid tag nor a digest"),
    RANGE_INVALID("RANGE_INVALID", 416, "invalid content range"),
    PAGINATION_NUMBER_INVALID("PAGINATION_NUMBER_INVALID", 400, "invalid number of results requested"),
    UNAUTHORIZED("UNAUTHORIZED", 401, "authentication required"),
    DENIED("DENIED", 403, "requested access to the resource is denied"),
    UNSUPPORTED("UNSUPPORTED", 405, "the operation is unsupported"),
    NO_ROUTE("UNSUPPORTED", 404, "no such endpoint"),
    TOOMANYREQUESTS("TOOMANYREQUESTS", 429, "too many requests"),
    INSUFFICIENT_STORAGE("DENIED", 507, "insufficient storage: the store's quota is exhausted"),
    UPSTREAM_UNAVAILABLE("UNAVAILABLE", 503, "upstream registry unavailable"),
    UPSTREAM_FAILED("UNKNOWN", 502, "upstream registry failed"),
    UNKNOWN("UNKNOWN", 500, "unknown error");

    private final String code;
    private final int status;
    private final String message;

    RegistryError(String code, int status, String message) {
        this.code = code;
        this.status = status;
        this.message = message;
    }

    /** The wire code, upper case with underscores. */
    String code() {
        return code;
    }

    /** The HTTP status. */
    int status() {
        return status;
    }

    /** The human-readable message sent with the code. */
    String message() {
        return message;
    }

    /** This error with one detail (a string or any JSON-serialisable value). */
    RegistryException withDetail(Object detail) {
        return new RegistryException(this, detail);
    }
}
