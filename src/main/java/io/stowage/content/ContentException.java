package io.stowage.content;

/**
 * The one exception family of the content API. Every failure a store signals carries an {@link ErrorCode} and a
 * message with enough context to act on (the ref, the offsets, both digests).
 *
 * <p>{@link #currentOffset()} is set on {@link ErrorCode#OUT_OF_RANGE} errors to the ingest's offset at the time
 * of the failed write, so a client can resume from there; it is {@code -1} otherwise.
 */
public class ContentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final long currentOffset;

    public ContentException(ErrorCode code, String message) {
        this(code, message, -1, null);
    }

    public ContentException(ErrorCode code, String message, Throwable cause) {
        this(code, message, -1, cause);
    }

    public ContentException(ErrorCode code, String message, long currentOffset, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.currentOffset = currentOffset;
    }

    public ErrorCode code() {
        return code;
    }

    /** The ingest's current offset for {@link ErrorCode#OUT_OF_RANGE}, else {@code -1}. */
    public long currentOffset() {
        return currentOffset;
    }

    /** True when {@code t} is a ContentException with the given code. */
    public static boolean is(Throwable t, ErrorCode code) {
        return t instanceof ContentException ce && ce.code == code;
    }

    public static ContentException notFound(String message) {
        return new ContentException(ErrorCode.NOT_FOUND, message);
    }

    public static ContentException alreadyExists(String message) {
        return new ContentException(ErrorCode.ALREADY_EXISTS, message);
    }

    public static ContentException unavailable(String message) {
        return new ContentException(ErrorCode.UNAVAILABLE, message);
    }

    public static ContentException failedPrecondition(String message) {
        return new ContentException(ErrorCode.FAILED_PRECONDITION, message);
    }

    public static ContentException outOfRange(String message, long currentOffset) {
        return new ContentException(ErrorCode.OUT_OF_RANGE, message, currentOffset, null);
    }

    public static ContentException invalidArgument(String message) {
        return new ContentException(ErrorCode.INVALID_ARGUMENT, message);
    }

    public static ContentException resourceExhausted(String message, Throwable cause) {
        return new ContentException(ErrorCode.RESOURCE_EXHAUSTED, message, cause);
    }

    public static ContentException internal(String message, Throwable cause) {
        return new ContentException(ErrorCode.INTERNAL, message, cause);
    }

    @Override
    public String toString() {
        return code.wireName() + ": " + getMessage();
    }
}
