package io.stowage.filters;

import io.stowage.filters.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses one non-blank filter string into a {@link Filter}, after containerd's {@code parser.go}:
 *
 * <pre>
 * selectors := selector ("," selector)*
 * selector  := fieldpath [operator value]
 * fieldpath := field ("." field)*
 * field     := [A-Za-z0-9_-]+ | "quoted"
 * operator  := "==" | "!=" | "~="
 * value     := [^\s,]+ | "quoted" | /quoted/ | |quoted|      (the last two after ~= only)
 * </pre>
 *
 * Whitespace may surround selectors, operators and values, but not the dots of a field path.
 */
final class Parser {
    private final String input;
    private final Scanner scanner;

    private Parser(String input) {
        this.input = input;
        this.scanner = new Scanner(input);
    }

    /** The longest regular expression a filter may carry. */
    static final int MAX_REGEX_CHARS = 1024;

    static Filter parse(String input) {
        return new Parser(input).selectors();
    }

    private Filter selectors() {
        List<Filter> all = new ArrayList<>();
        all.add(selector());
        while (true) {
            scanner.skipSpace();
            int c = scanner.peek();
            if (c == -1) {
                break;
            }
            if (c != ',') {
                throw SyntaxErrors.at(input, scanner.position(), "unexpected input: " + Character.toString(c));
            }
            scanner.scan();
            all.add(selector());
        }
        return all.size() == 1 ? all.get(0) : new AllOf(all);
    }

    private Selector selector() {
        List<String> fieldpath = fieldpath();
        scanner.skipSpace();
        int c = scanner.peek();
        if (c == -1 || c == ',') {
            return Selector.present(fieldpath);
        }
        Token op = scanner.scan();
        if (op.kind() != Kind.OPERATOR) {
            throw SyntaxErrors.at(input, op.pos(), "expected an operator (\"==\"|\"!=\"|\"~=\")");
        }
        Operator operator = Operator.ofSymbol(op.text());
        if (operator == null) {
            throw SyntaxErrors.at(input, op.pos(), "unsupported operator \"" + op.text() + "\"");
        }
        Token value = scanner.scan();
        String text = switch (value.kind()) {
            case VALUE, FIELD -> value.text();
            case QUOTED -> quoted(value, operator == Operator.MATCHES);
            default -> throw SyntaxErrors.at(input, value.pos(), "expected value or quoted");
        };
        Pattern pattern = operator == Operator.MATCHES ? compile(text, value.pos()) : null;
        return new Selector(fieldpath, operator, text, pattern);
    }

    private List<String> fieldpath() {
        List<String> fieldpath = new ArrayList<>();
        fieldpath.add(field());
        while (scanner.peek() == '.') {
            scanner.scan();
            fieldpath.add(field());
        }
        return fieldpath;
    }

    private String field() {
        Token t = scanner.scan();
        return switch (t.kind()) {
            case FIELD -> t.text();
            case QUOTED -> quoted(t, false);
            default -> throw SyntaxErrors.at(input, t.pos(), "expected field or quoted");
        };
    }

    private String quoted(Token t, boolean allowAlternativeQuotes) {
        if (t.quote() != '"' && !allowAlternativeQuotes) {
            throw SyntaxErrors.at(input, t.pos(), "invalid quote encountered");
        }
        return t.value();
    }

    private Pattern compile(String regex, int pos) {
        if (regex.length() > MAX_REGEX_CHARS) {
            throw SyntaxErrors.at(input, pos, "regular expression longer than " + MAX_REGEX_CHARS + " characters");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw SyntaxErrors.at(input, pos, "invalid regular expression: " + e.getDescription());
        }
    }
}
