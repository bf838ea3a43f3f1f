package io.stowage.filters;

import java.util.List;
import java.util.Optional;

/**
 * How a {@link Filter} sees one object: the string value of a field named by a field path (the components of
 * {@code labels."com.example/key"} are {@code ["labels", "com.example/key"]}), or empty when the object has no such
 * field. An adaptor must not throw for unknown or malformed paths; it returns empty.
 */
public interface Adaptor {
    /** The value of the field at {@code fieldpath} (never an empty list when called by a filter), or empty. */
    Optional<String> field(List<String> fieldpath);
}
