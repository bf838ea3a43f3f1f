package io.stowage.filters;

import io.stowage.content.ContentException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent parser of one filter string (containerd's grammar):
 * <pre>
 *   filter    := selector (',' selector)*
 *   selector  := fieldpath (op value)?
 *   fieldpath := field ('.' field)*
 *   field     := [A-Za-z0-9_]+ | quoted
 *   op        := '==' | '!=' | '~='
 *   value     := quoted | [printable ASCII and letters, but not ',' or space]+
 *   quoted    := '"' ... '"' | '/' ... '/' | '|' ... '|'     (backslash escapes)
 * </pre>
 * White space is allowed between tokens. Not thread-safe; one instance per string.
 */
final class Parser {
    private final String input;
    private int pos;

    private Parser(String input) {
        this.input = input;
    }

    static Filter parse(String input) {
        return new Parser(input).filter();
    }

    private Filter filter() {
        List<Filter> terms = new ArrayList<>();
        skipSpace();
        if (atEnd()) {
            return Filter.ALL;
        }
        while (true) {
            terms.add(selector());
            skipSpace();
            if (atEnd()) {
                break;
            }
            expect(',');
        }
        return terms.size() == 1 ? terms.get(0) : a -> terms.stream().allMatch(t -> t.matches(a));
    }

    private Selector selector() {
        List<String> path = new ArrayList<>();
        skipSpace();
        path.add(field());
        while (!atEnd() && peek() == '.') {
            pos++;
            path.add(field());
        }
        skipSpace();
        if (atEnd() || peek() == ',') {
            return new Selector(List.copyOf(path), Selector.Operator.PRESENT, null, null);
        }
        Selector.Operator op = operator();
        skipSpace();
        int valueAt = pos;
        String value = value();
        Pattern pattern = null;
        if (op == Selector.Operator.MATCHES) {
            try {
                pattern = Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw error(valueAt, "invalid regular expression: " + e.getDescription());
            }
        }
        return new Selector(List.copyOf(path), op, value, pattern);
    }

    private String field() {
        if (atEnd()) {
            throw error(pos, "expected a field name");
        }
        if (isQuote(peek())) {
            return quoted();
        }
        int start = pos;
        while (!atEnd() && isFieldChar(peek())) {
            pos++;
        }
        if (start == pos) {
            throw error(pos, "expected a field name, got '" + peek() + "'");
        }
        return input.substring(start, pos);
    }

    private Selector.Operator operator() {
        if (pos + 1 < input.length() && input.charAt(pos + 1) == '=') {
            char c = peek();
            Selector.Operator op = switch (c) {
                case '=' -> Selector.Operator.EQUAL;
                case '!' -> Selector.Operator.NOT_EQUAL;
                case '~' -> Selector.Operator.MATCHES;
                default -> null;
            };
            if (op != null) {
                pos += 2;
                return op;
            }
        }
        throw error(pos, "expected an operator (==, !=, ~=) or ','");
    }

    private String value() {
        if (atEnd()) {
            throw error(pos, "expected a value");
        }
        if (isQuote(peek())) {
            return quoted();
        }
        int start = pos;
        while (!atEnd() && isValueChar(peek())) {
            pos++;
        }
        if (start == pos) {
            throw error(pos, "expected a value, got '" + peek() + "'");
        }
        return input.substring(start, pos);
    }

    private String quoted() {
        int start = pos;
        char q = input.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (atEnd()) {
                throw error(start, "unterminated quoted string");
            }
            char c = input.charAt(pos++);
            if (c == q) {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (atEnd()) {
                throw error(start, "unterminated quoted string");
            }
            char e = input.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '\\' -> sb.append(q == '"' ? "\\" : "\\\\");
                default -> {
                    if (e == q) {
                        sb.append(e);
                    } else if (q == '"') {
                        throw error(pos - 2, "invalid escape '\\" + e + "'");
                    } else {
                        // inside /regex/ or |regex|, keep regex escapes such as \d as they are
                        sb.append('\\').append(e);
                    }
                }
            }
        }
    }

    private void expect(char c) {
        if (atEnd() || peek() != c) {
            throw error(pos, "expected '" + c + "'" + (atEnd() ? "" : ", got '" + peek() + "'"));
        }
        pos++;
    }

    private void skipSpace() {
        while (!atEnd() && Character.isWhitespace(peek())) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= input.length();
    }

    private char peek() {
        return input.charAt(pos);
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '/' || c == '|';
    }

    private static boolean isFieldChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean isValueChar(char c) {
        return c != ',' && !Character.isWhitespace(c) && (Character.isLetterOrDigit(c) || (c >= 0x21 && c <= 0x7e));
    }

    private ContentException error(int at, String what) {
        String shown = input.length() > 200 ? input.substring(0, 200) + "..." : input;
        return ContentException.invalidArgument("filter \"" + shown + "\": " + what + " at position " + at);
    }
}
