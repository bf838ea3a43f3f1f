package io.stowage.filters;

import io.stowage.filters.Token.Kind;

/**
 * Splits a filter string into {@link Token}s, as containerd's {@code scanner.go}: fields are runs of
 * {@code [A-Za-z0-9_-]}; {@code ,} and {@code .} separate; a run of {@code = ! ~} is an operator; right after an
 * operator, a value runs to the next whitespace or comma; {@code "}, {@code /} and {@code |} open a quoted literal
 * with Go escapes ({@code \a \b \f \n \r \t \v \\}, the quote itself, {@code \ooo}, {@code \xhh},
 * <code>&#92;uhhhh</code>, <code>&#92;Uhhhhhhhh</code>). Whitespace between tokens is skipped. Malformed literals
 * throw INVALID_ARGUMENT at once.
 */
final class Scanner {
    private final String input;
    private int pos;
    private boolean valueMode;

    Scanner(String input) {
        this.input = input;
    }

    /** The next code point, without consuming it (whitespace included); -1 at the end. */
    int peek() {
        return pos < input.length() ? input.codePointAt(pos) : -1;
    }

    /** The position of the next character. */
    int position() {
        return pos;
    }

    /** Consumes whitespace. */
    void skipSpace() {
        while (pos < input.length() && isSpace(input.codePointAt(pos))) {
            pos += Character.charCount(input.codePointAt(pos));
        }
    }

    /** Consumes and returns the next token, after any whitespace. */
    Token scan() {
        skipSpace();
        int start = pos;
        if (start >= input.length()) {
            return Token.of(Kind.EOF, start, "");
        }
        int c = input.codePointAt(start);
        if (c == 0) {
            throw SyntaxErrors.at(input, start, "unexpected null");
        }
        if (isQuote(c)) {
            return quoted(start, c);
        }
        if (c == ',' || c == '.') {
            pos++;
            valueMode = false;
            return Token.of(Kind.SEPARATOR, start, input.substring(start, pos));
        }
        if (isOperatorChar(c)) {
            consumeWhile(start, Scanner::isOperatorChar);
            valueMode = true;
            return Token.of(Kind.OPERATOR, start, input.substring(start, pos));
        }
        if (valueMode && isValueChar(c)) {
            consumeWhile(start, Scanner::isValueChar);
            valueMode = false;
            return Token.of(Kind.VALUE, start, input.substring(start, pos));
        }
        if (isFieldChar(c)) {
            consumeWhile(start, Scanner::isFieldChar);
            return Token.of(Kind.FIELD, start, input.substring(start, pos));
        }
        pos += Character.charCount(c);
        return Token.of(Kind.UNEXPECTED, start, input.substring(start, pos));
    }

    private void consumeWhile(int from, java.util.function.IntPredicate accept) {
        pos = from;
        while (pos < input.length() && accept.test(input.codePointAt(pos))) {
            pos += Character.charCount(input.codePointAt(pos));
        }
    }

    private Token quoted(int start, int quote) {
        StringBuilder value = new StringBuilder();
        pos = start + 1;
        while (true) {
            int c = peek();
            if (c == -1 || c == '\n') {
                throw SyntaxErrors.at(input, start, "quoted literal not terminated");
            }
            if (c == 0) {
                throw SyntaxErrors.at(input, pos, "unexpected null");
            }
            if (c == quote) {
                pos++;
                valueMode = false;
                return new Token(Kind.QUOTED, start, input.substring(start, pos), value.toString(), quote);
            }
            if (c == '\\') {
                value.appendCodePoint(escape(start, quote));
            } else {
                value.appendCodePoint(c);
                pos += Character.charCount(c);
            }
        }
    }

    /** Decodes the escape sequence at {@code pos} (a backslash) and consumes it. */
    private int escape(int literalStart, int quote) {
        int at = pos;
        pos++;
        int c = peek();
        if (c == -1) {
            throw SyntaxErrors.at(input, literalStart, "quoted literal not terminated");
        }
        pos++;
        switch (c) {
            case 'a':
                return 0x07;
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'v':
                return 0x0b;
            case '\\':
                return '\\';
            case 'x':
                return digits(at, 16, 2);
            case 'u':
                return codePoint(at, digits(at, 16, 4));
            case 'U':
                return codePoint(at, digits(at, 16, 8));
            default:
                if (c == quote) {
                    return c;
                }
                if (c >= '0' && c <= '7') {
                    pos--;
                    int v = digits(at, 8, 3);
                    if (v > 255) {
                        throw SyntaxErrors.at(input, at, "octal escape value > 255");
                    }
                    return v;
                }
                throw SyntaxErrors.at(input, at, "illegal escape sequence");
        }
    }

    private int digits(int escapeAt, int base, int count) {
        long v = 0;
        for (int i = 0; i < count; i++) {
            int d = pos < input.length() ? Character.digit(input.charAt(pos), base) : -1;
            if (d < 0) {
                throw SyntaxErrors.at(input, escapeAt, "illegal numeric escape sequence");
            }
            v = v * base + d;
            pos++;
        }
        return (int) v;
    }

    private int codePoint(int escapeAt, int v) {
        if (v < 0 || v > Character.MAX_CODE_POINT || (v >= 0xD800 && v <= 0xDFFF)) {
            throw SyntaxErrors.at(input, escapeAt, "escape sequence is not a valid Unicode code point");
        }
        return v;
    }

    private static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static boolean isQuote(int c) {
        return c == '"' || c == '/' || c == '|';
    }

    private static boolean isOperatorChar(int c) {
        return c == '=' || c == '!' || c == '~';
    }

    private static boolean isFieldChar(int c) {
        return c == '-' || c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /** Go's graphic characters other than space and comma: letters, marks, numbers, punctuation, symbols. */
    private static boolean isValueChar(int c) {
        if (c == ',' || isSpace(c) || Character.isISOControl(c)) {
            return false;
        }
        int type = Character.getType(c);
        return type != Character.FORMAT && type != Character.UNASSIGNED && type != Character.PRIVATE_USE
                && type != Character.SURROGATE;
    }
}
