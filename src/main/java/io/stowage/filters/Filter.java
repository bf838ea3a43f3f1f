package io.stowage.filters;

/** A parsed filter: decides whether an object, seen through an {@link Adaptor}, is selected. Immutable. */
@FunctionalInterface
public interface Filter {
    /** A filter that selects everything. */
    Filter ALL = a -> true;

    boolean matches(Adaptor adaptor);
}
