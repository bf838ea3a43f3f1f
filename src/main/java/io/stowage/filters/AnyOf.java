package io.stowage.filters;

import java.util.List;

/** Matches when at least one of its filters matches (several filter strings). */
record AnyOf(List<Filter> filters) implements Filter {
    AnyOf {
        filters = List.copyOf(filters);
    }

    @Override
    public boolean matches(Adaptor adaptor) {
        for (Filter f : filters) {
            if (f.matches(adaptor)) {
                return true;
            }
        }
        return false;
    }
}
