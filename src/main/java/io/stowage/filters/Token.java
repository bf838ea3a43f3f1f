package io.stowage.filters;

/**
 * One token of a filter string: its kind, the position of its first character, its raw text and, for a quoted
 * literal, the unescaped {@code value} and the {@code quote} character ({@code "}, {@code /} or {@code |}).
 */
record Token(Kind kind, int pos, String text, String value, int quote) {
    enum Kind {
        EOF, FIELD, VALUE, QUOTED, SEPARATOR, OPERATOR, UNEXPECTED
    }

    static Token of(Kind kind, int pos, String text) {
        return new Token(kind, pos, text, text, 0);
    }
}
