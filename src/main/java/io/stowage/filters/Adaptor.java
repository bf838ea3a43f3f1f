package io.stowage.filters;

import java.util.List;
import java.util.Optional;

/** Exposes an object's fields to a {@link Filter} by field path ({@code ["labels", "k"]}). */
@FunctionalInterface
public interface Adaptor {
    /** The value at {@code fieldpath}, or empty when the object has no such field. */
    Optional<String> field(List<String> fieldpath);
}
