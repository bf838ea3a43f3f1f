package io.stowage.filters;

/**
 * A parsed filter: a predicate over objects seen through an {@link Adaptor}. Obtained from {@link Filters#parse};
 * immutable and thread-safe.
 */
public interface Filter {
    /** True when the object behind {@code adaptor} is selected by this filter. */
    boolean matches(Adaptor adaptor);
}
