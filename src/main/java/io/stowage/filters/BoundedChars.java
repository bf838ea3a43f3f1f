package io.stowage.filters;

import io.stowage.content.ContentException;

/**
 * A {@link CharSequence} over a field value that allows a fixed number of character reads and then throws
 * {@link ContentException} {@code invalid_argument}. Regular expressions in filters come from clients; matching
 * one against this bounds the work a catastrophically backtracking pattern (such as {@code (a+)+$}) can do,
 * whatever the pattern. Sub-sequences share the budget.
 */
final class BoundedChars implements CharSequence {
    /** Character reads one match may make: generous for any linear pattern over a 4 KiB label. */
    static final long DEFAULT_BUDGET = 2_000_000;

    private final String text;
    private final int start;
    private final int end;
    private final long[] remaining;
    private final String pattern;

    private BoundedChars(String text, int start, int end, long[] remaining, String pattern) {
        this.text = text;
        this.start = start;
        this.end = end;
        this.remaining = remaining;
        this.pattern = pattern;
    }

    static BoundedChars of(String text, long budget, String pattern) {
        return new BoundedChars(text, 0, text.length(), new long[] {budget}, pattern);
    }

    @Override
    public int length() {
        return end - start;
    }

    @Override
    public char charAt(int index) {
        if (--remaining[0] < 0) {
            throw ContentException.invalidArgument("filter: regular expression " + pattern
                    + " too costly to match (over " + DEFAULT_BUDGET + " character reads on a "
                    + text.length() + "-character value)");
        }
        return text.charAt(start + index);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        return new BoundedChars(text, start + from, start + to, remaining, pattern);
    }

    @Override
    public String toString() {
        return text.substring(start, end);
    }
}
