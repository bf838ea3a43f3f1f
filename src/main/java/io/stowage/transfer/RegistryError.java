package io.stowage.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import java.nio.charset.StandardCharsets;

/**
 * An error answer of a registry, as a {@link ContentException} whose code follows the HTTP status: 404 NOT_FOUND,
 * 401/403 FAILED_PRECONDITION (not allowed with these credentials), 400 INVALID_ARGUMENT, 416 OUT_OF_RANGE,
 * 408/429/5xx UNAVAILABLE (retried before it is reported), anything else INTERNAL. The message names the request,
 * the status and the registry's own error codes and messages ({@code {"errors":[{"code","message"}]}}).
 */
final class RegistryError extends ContentException {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int status;

    RegistryError(int status, String message) {
        super(codeOf(status), message);
        this.status = status;
    }

    int status() {
        return status;
    }

    /** True for the statuses worth retrying: 408, 429 and 5xx. */
    boolean isTransient() {
        return status == 408 || status == 429 || status >= 500;
    }

    static RegistryError of(String request, int status, byte[] body) {
        StringBuilder m = new StringBuilder(request).append(": HTTP ").append(status);
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.path("errors").isArray()) {
                for (JsonNode e : n.get("errors")) {
                    m.append("; ").append(e.path("code").asText("?")).append(": ").append(e.path("message").asText(""));
                }
                return new RegistryError(status, m.toString());
            }
        } catch (Exception e) {
            // not JSON
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (!text.isEmpty()) {
            m.append(": ").append(text.length() > 200 ? text.substring(0, 200) + "..." : text);
        }
        return new RegistryError(status, m.toString());
    }

    private static ErrorCode codeOf(int status) {
        if (status == 404) {
            return ErrorCode.NOT_FOUND;
        }
        if (status == 401 || status == 403) {
            return ErrorCode.FAILED_PRECONDITION;
        }
        if (status == 400) {
            return ErrorCode.INVALID_ARGUMENT;
        }
        if (status == 416) {
            return ErrorCode.OUT_OF_RANGE;
        }
        if (status == 408 || status == 429 || status >= 500) {
            return ErrorCode.UNAVAILABLE;
        }
        return ErrorCode.INTERNAL;
    }
}
