package io.stowage.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A registry API error on its way to the client: one {@link RegistryError}, one or more details (one error entry
 * in the body per detail) and headers to send with it (such as {@code Range} on a 416). Stack traces are not
 * captured: these are answers, not bugs.
 */
final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final RegistryError error;
    private final transient List<Object> details;
    private final transient Map<String, String> headers = new LinkedHashMap<>();

    RegistryException(RegistryError error, Object detail) {
        this(error, detail == null ? List.of() : List.of(detail));
    }

    RegistryException(RegistryError error, List<?> details) {
        super(error.code() + ": " + error.message() + (details.isEmpty() ? "" : ": " + details.get(0)), null,
                false, false);
        this.error = Objects.requireNonNull(error);
        this.details = Collections.unmodifiableList(new ArrayList<>(details));
    }

    RegistryError error() {
        return error;
    }

    /** The details, one per error entry; empty for a single entry without detail. */
    List<Object> details() {
        return details;
    }

    Map<String, String> headers() {
        return Collections.unmodifiableMap(headers);
    }

    /** Adds a header to send with the error response; returns this. */
    RegistryException header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
