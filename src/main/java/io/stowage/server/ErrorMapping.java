package io.stowage.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The one place where errors become wire errors. Every {@link ErrorCode} has exactly one HTTP status:
 *
 * <pre>
 *   invalid_argument     400 Bad Request
 *   not_found            404 Not Found
 *   already_exists       409 Conflict
 *   unauthenticated      401 Unauthorized           (with WWW-Authenticate)
 *   permission_denied    403 Forbidden
 *   failed_precondition  412 Precondition Failed
 *   out_of_range         416 Range Not Satisfiable
 *   internal             500 Internal Server Error
 *   unavailable          503 Service Unavailable   (ref locked; retry later)
 *   resource_exhausted   507 Insufficient Storage  (out of space or over a limit)
 * </pre>
 *
 * The body is {@code {"code":"...","message":"..."}}, plus {@code "offset"} (the ingest's current offset) for
 * {@code out_of_range} errors that carry one. Anything that is not a {@link ContentException} is a bug or an
 * unexpected failure: it becomes {@code 500 internal} with a generic message, and the details are logged here,
 * server side, never sent. Thread-safe.
 */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);
    private static final Map<ErrorCode, HttpResponseStatus> STATUS = new EnumMap<>(ErrorCode.class);

    static {
        STATUS.put(ErrorCode.INVALID_ARGUMENT, HttpResponseStatus.BAD_REQUEST);
        STATUS.put(ErrorCode.NOT_FOUND, HttpResponseStatus.NOT_FOUND);
        STATUS.put(ErrorCode.ALREADY_EXISTS, HttpResponseStatus.CONFLICT);
        STATUS.put(ErrorCode.FAILED_PRECONDITION, HttpResponseStatus.PRECONDITION_FAILED);
        STATUS.put(ErrorCode.UNAUTHENTICATED, HttpResponseStatus.UNAUTHORIZED);
        STATUS.put(ErrorCode.PERMISSION_DENIED, HttpResponseStatus.FORBIDDEN);
        STATUS.put(ErrorCode.OUT_OF_RANGE, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
        STATUS.put(ErrorCode.INTERNAL, HttpResponseStatus.INTERNAL_SERVER_ERROR);
        STATUS.put(ErrorCode.UNAVAILABLE, HttpResponseStatus.SERVICE_UNAVAILABLE);
        STATUS.put(ErrorCode.RESOURCE_EXHAUSTED, HttpResponseStatus.INSUFFICIENT_STORAGE);
    }

    private ErrorMapping() {
    }

    /** The HTTP status of an error code. */
    public static HttpResponseStatus status(ErrorCode code) {
        return STATUS.get(code);
    }

    /** The error code of an HTTP status, for a client that got no JSON body; unknown statuses are INTERNAL. */
    public static ErrorCode code(int httpStatus) {
        for (Map.Entry<ErrorCode, HttpResponseStatus> e : STATUS.entrySet()) {
            if (e.getValue().code() == httpStatus) {
                return e.getKey();
            }
        }
        return ErrorCode.INTERNAL;
    }

    /**
     * {@code t} as a ContentException: itself when it is one, else INTERNAL with a generic message (the cause is
     * kept for logging, never sent).
     */
    public static ContentException toContentException(Throwable t) {
        if (t instanceof ContentException ce) {
            return ce;
        }
        return ContentException.internal("internal error", t);
    }

    /** The JSON error object {@code {"code","message"[,"offset"]}}. */
    public static ObjectNode body(ContentException e) {
        ObjectNode n = ContentJson.mapper().createObjectNode();
        n.put("code", e.code().wireName());
        n.put("message", e.getMessage() == null ? e.code().wireName() : e.getMessage());
        if (e.code() == ErrorCode.OUT_OF_RANGE && e.currentOffset() >= 0) {
            n.put("offset", e.currentOffset());
        }
        return n;
    }

    /**
     * The ContentException a client should raise for an error response: code, message and offset from the JSON
     * body when it has them, else the code of the HTTP status.
     */
    public static ContentException fromWire(int httpStatus, byte[] body) {
        try {
            JsonNode n = ContentJson.mapper().readTree(body);
            if (n != null && n.has("error") && n.get("error").isObject()) {
                n = n.get("error");
            }
            if (n != null && n.path("code").isTextual()) {
                return fromJson(n);
            }
        } catch (Exception e) {
            // not JSON: fall through to the status
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        ErrorCode code = code(httpStatus);
        return new ContentException(code, "HTTP " + httpStatus + (text.isEmpty() ? "" : ": " + text));
    }

    /** The ContentException of a JSON error object {@code {"code","message"[,"offset"]}}. */
    public static ContentException fromJson(JsonNode n) {
        ErrorCode code = ErrorCode.fromWireName(n.path("code").asText());
        String message = n.path("message").asText(code.wireName());
        long offset = n.has("offset") ? n.get("offset").asLong(-1) : -1;
        return new ContentException(code, message, offset, null);
    }

    /**
     * Logs {@code t} when it is unexpected and sends it as an error response, unless the response has started
     * (then the error is passed on so that the connection is closed and the client sees a cut-off body).
     */
    static Mono<Void> send(HttpServerRequest req, HttpServerResponse res, Throwable t) {
        ContentException ce = toContentException(t);
        logIfUnexpected(req.method() + " " + req.uri(), t, ce);
        if (res.hasSentHeaders()) {
            return Mono.error(t);
        }
        byte[] json = ContentJson.toBytes(body(ce));
        return res.status(status(ce.code()))
                .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(json.length))
                .sendByteArray(Mono.just(json))
                .then();
    }

    /** Sends {@code e} as the error response of {@code req} (for filters in front of the routes). */
    public static Mono<Void> respond(HttpServerRequest req, HttpServerResponse res, ContentException e) {
        return send(req, res, e);
    }

    /** The peer went away: nothing to answer and nothing to fix on this side. */
    static boolean isConnectionGone(Throwable t) {
        return t instanceof AbortedException || t instanceof PrematureCloseException
                || (t instanceof java.io.IOException && AbortedException.isConnectionReset(t));
    }

    /** Logs failures that are not the client's doing: non-ContentExceptions, and INTERNAL ones. */
    static void logIfUnexpected(String context, Throwable t, ContentException mapped) {
        if (isConnectionGone(t)) {
            log.debug("{}: connection ended: {}", context, t.toString());
        } else if (!(t instanceof ContentException)) {
            log.error("{}: unexpected error", context, t);
        } else if (mapped.code() == ErrorCode.INTERNAL) {
            log.error("{}: {}", context, t.getMessage(), t.getCause());
        } else if (log.isDebugEnabled()) {
            log.debug("{}: {}", context, t.toString());
        }
    }
}
