package io.stowage.filters;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code fieldpath[operator value]} term. As in containerd's {@code selector.Match}, an absent field reads as
 * the empty string for {@code !=} and {@code ~=} (so {@code labels.a!=x} selects objects without label {@code a}),
 * while {@code ==} and presence require the field. {@code pattern} is set for {@link Operator#MATCHES} only; it
 * is matched against {@link BoundedChars}, so a match that reads too many characters fails with
 * {@code invalid_argument} instead of running for ever.
 */
record Selector(List<String> fieldpath, Operator operator, String value, Pattern pattern) implements Filter {
    Selector {
        fieldpath = List.copyOf(fieldpath);
    }

    static Selector present(List<String> fieldpath) {
        return new Selector(fieldpath, Operator.PRESENT, "", null);
    }

    @Override
    public boolean matches(Adaptor adaptor) {
        Optional<String> field = adaptor.field(fieldpath);
        return switch (operator) {
            case PRESENT -> field.isPresent();
            case EQUAL -> field.isPresent() && field.get().equals(value);
            case NOT_EQUAL -> !field.orElse("").equals(value);
            case MATCHES -> pattern.matcher(BoundedChars.of(field.orElse(""), BoundedChars.DEFAULT_BUDGET, value)).find();
        };
    }

    @Override
    public String toString() {
        String path = String.join(".", fieldpath);
        return operator == Operator.PRESENT ? path : path + operator.symbol() + value;
    }
}
