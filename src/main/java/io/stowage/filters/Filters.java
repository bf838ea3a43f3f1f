package io.stowage.filters;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * containerd's filter syntax ({@code pkg/filters}). A filter string is a comma-separated list of selectors, all of
 * which must match; several filter strings are alternatives, any of which may match; no filters, or an empty or
 * blank string among them, match everything.
 *
 * <p>A selector is {@code fieldpath[operator value]}. The field path is a dot-separated list of fields, each an
 * identifier ({@code [A-Za-z0-9_-]+}) or a double-quoted string with Go escapes, so {@code
 * labels."com.example/key"} names one label. Operators:
 *
 * <ul>
 *   <li>none: the field is present;
 *   <li>{@code ==}: the field is present and equal to the value;
 *   <li>{@code !=}: the field is not equal to the value, <em>an absent field reading as the empty string</em>
 *       (containerd's {@code selector.Match}), so {@code labels.a!=x} also selects objects without label a;
 *   <li>{@code ~=}: the value, a {@link java.util.regex.Pattern} regular expression, is found in the field
 *       (Go's {@code MatchString}: unanchored), an absent field again reading as the empty string.
 * </ul>
 *
 * A value is an unquoted run of anything but whitespace and commas ({@code digest==sha256:ab..},
 * {@code ref~=^upload-.*}), a double-quoted string with escapes ({@code other=="a, b"}) or, after {@code ~=}
 * only, a regular expression quoted {@code /like this/} or {@code |like this|} (within which only Go escapes are
 * legal, e.g. {@code \/}). Whitespace may surround selectors, operators and values.
 *
 * <p>Departures from containerd: blank strings match everything instead of failing; whitespace before a comma or
 * at the end is accepted; an invalid regular expression fails the parse instead of matching nothing; regular
 * expressions follow Java's syntax rather than RE2's.
 */
public final class Filters {
    private static final Filter MATCH_ALL = adaptor -> true;

    private Filters() {
    }

    /**
     * Parses {@code filters} (OR-ed; see the class comment) into a reusable, thread-safe {@link Filter}.
     *
     * @throws io.stowage.content.ContentException with {@code INVALID_ARGUMENT} when any string is malformed,
     *     naming the string, the position (in chars from 0) and what was expected there
     */
    public static Filter parse(List<String> filters) {
        Objects.requireNonNull(filters, "filters");
        List<Filter> any = new ArrayList<>();
        boolean matchAll = filters.isEmpty();
        for (String filter : filters) {
            Objects.requireNonNull(filter, "filter");
            if (filter.isBlank()) {
                matchAll = true;
            } else {
                any.add(Parser.parse(filter));
            }
        }
        if (matchAll) {
            return MATCH_ALL;
        }
        return any.size() == 1 ? any.get(0) : new AnyOf(any);
    }
}
