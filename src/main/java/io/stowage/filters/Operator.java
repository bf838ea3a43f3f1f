package io.stowage.filters;

/** The operator of a {@link Selector}; a selector without operator and value tests presence. */
enum Operator {
    PRESENT("?"),
    EQUAL("=="),
    NOT_EQUAL("!="),
    MATCHES("~=");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    /** The operator written as in a filter, or {@code null} when {@code text} names none. */
    static Operator ofSymbol(String text) {
        return switch (text) {
            case "==" -> EQUAL;
            case "!=" -> NOT_EQUAL;
            case "~=" -> MATCHES;
            default -> null;
        };
    }

    String symbol() {
        return symbol;
    }
}
