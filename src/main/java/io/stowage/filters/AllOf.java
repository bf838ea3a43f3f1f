package io.stowage.filters;

import java.util.List;

/** Matches when every one of its filters matches (the comma-separated selectors of one filter string). */
record AllOf(List<Filter> filters) implements Filter {
    AllOf {
        filters = List.copyOf(filters);
    }

    @Override
    public boolean matches(Adaptor adaptor) {
        for (Filter f : filters) {
            if (!f.matches(adaptor)) {
                return false;
            }
        }
        return true;
    }
}
