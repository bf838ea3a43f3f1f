package io.stowage.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import java.util.Map;

/**
 * One text frame of a write session: {@code {"action":"stat"|"write"|"commit","offset":N,"total":T,
 * "expected":"D","labels":{...}}}, all but action optional (null when absent).
 */
record WriteRequest(String action, Long offset, Long total, Digest expected, Map<String, String> labels) {
    static final String STAT = "stat";
    static final String WRITE = "write";
    static final String COMMIT = "commit";

    /** Parses a request; anything malformed is INVALID_ARGUMENT. */
    static WriteRequest parse(byte[] json) {
        JsonNode n = Bodies.parseJson(json);
        if (!n.isObject()) {
            throw ContentException.invalidArgument("write request: expected a JSON object");
        }
        JsonNode a = n.get("action");
        if (a == null || !a.isTextual()) {
            throw ContentException.invalidArgument("write request: \"action\" (stat, write or commit) is required");
        }
        String action = a.textValue();
        if (!action.equals(STAT) && !action.equals(WRITE) && !action.equals(COMMIT)) {
            throw ContentException.invalidArgument("write request: unknown action '"
                    + RequestTarget.shorten(action) + "' (stat, write or commit)");
        }
        JsonNode e = n.get("expected");
        Digest expected = null;
        if (e != null && !e.isNull()) {
            if (!e.isTextual()) {
                throw ContentException.invalidArgument("write request: \"expected\" must be a digest string");
            }
            expected = e.textValue().isEmpty() ? null : Digest.parse(e.textValue());
        }
        JsonNode l = n.get("labels");
        Map<String, String> labels = l == null || l.isNull() ? null : ContentJson.labels(l);
        return new WriteRequest(action, count(n, "offset"), count(n, "total"), expected, labels);
    }

    private static Long count(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw ContentException.invalidArgument("write request: \"" + field + "\" must be a non-negative integer");
        }
        return v.longValue();
    }
}
