package io.stowage.filters;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code fieldpath[op value]} term. As in containerd, presence needs the field; {@code ==} needs it and an
 * equal value; {@code !=} and {@code ~=} compare against the empty string when the field is absent (so
 * {@code labels.k!=v} selects objects without the label too).
 */
record Selector(List<String> fieldpath, Operator operator, String value, Pattern pattern) implements Filter {
    enum Operator {
        PRESENT, EQUAL, NOT_EQUAL, MATCHES
    }

    @Override
    public boolean matches(Adaptor adaptor) {
        Optional<String> v = adaptor.field(fieldpath);
        return switch (operator) {
            case PRESENT -> v.isPresent();
            case EQUAL -> v.isPresent() && v.get().equals(value);
            case NOT_EQUAL -> !v.orElse("").equals(value);
            case MATCHES -> pattern.matcher(v.orElse("")).find();
        };
    }
}
