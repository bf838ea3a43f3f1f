package io.stowage.filters;

import io.stowage.content.ContentException;

/** Builds the one error a malformed filter raises: INVALID_ARGUMENT naming the filter, the position and why. */
final class SyntaxErrors {
    private SyntaxErrors() {
    }

    /**
     * {@code invalid filter "labels.?x": at position 7 (labels. >|?|< x): expected field or quoted}; positions
     * count UTF-16 chars from 0, and a position at the end reads {@code (end of input)}.
     */
    static ContentException at(String input, int pos, String reason) {
        String where;
        if (pos < input.length()) {
            int end = pos + Character.charCount(input.codePointAt(pos));
            where = input.substring(0, pos) + " >|" + input.substring(pos, end) + "|< " + input.substring(end);
        } else {
            where = "end of input";
        }
        return ContentException.invalidArgument(
                "invalid filter \"" + input + "\": at position " + pos + " (" + where + "): " + reason);
    }
}
