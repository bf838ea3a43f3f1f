package io.stowage.filters;

import java.util.ArrayList;
import java.util.List;

/**
 * containerd's filter syntax. A filter string is comma-separated selectors that must all match; several strings
 * are alternatives, any of which may match; no strings (or only blank ones) select everything.
 *
 * <pre>
 *   labels."com.example/k"==v      label equality (quote keys with dots or slashes)
 *   labels.k!=v                    inequality (also true when the label is absent)
 *   labels.k~=^v[0-9]+$            regular expression (found anywhere, like Go's MatchString)
 *   labels.k                       presence
 *   digest==sha256:..., size==42   plain fields
 * </pre>
 */
public final class Filters {
    private Filters() {
    }

    /**
     * Parses filter strings. Errors: {@code ContentException} INVALID_ARGUMENT naming the filter and position.
     */
    public static Filter parse(List<String> filters) {
        List<Filter> any = new ArrayList<>();
        for (String f : filters) {
            if (f == null || f.isBlank()) {
                return Filter.ALL;
            }
            any.add(Parser.parse(f));
        }
        if (any.isEmpty()) {
            return Filter.ALL;
        }
        return any.size() == 1 ? any.get(0) : a -> any.stream().anyMatch(f -> f.matches(a));
    }

    /** Parses filter strings; see {@link #parse(List)}. */
    public static Filter parse(String... filters) {
        return parse(List.of(filters));
    }
}
