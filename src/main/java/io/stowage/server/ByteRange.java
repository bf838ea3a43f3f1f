package io.stowage.server;

import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;

/**
 * One byte range of a blob, resolved against its size: {@code first} to {@code last} inclusive (RFC 9110
 * section 14). Only single ranges are honoured; a header this class does not understand (another unit, several
 * ranges, bad syntax) is ignored as the RFC allows, and the whole blob is sent.
 */
record ByteRange(long first, long last, long size) {
    long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} value, {@code bytes first-last/size}. */
    String contentRange() {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /**
     * The range a {@code Range} header asks for in a blob of {@code size} bytes; null for the whole blob (no
     * header, or one that is ignored). An unsatisfiable range (first byte at or past the end, an empty suffix,
     * any range of an empty blob) is OUT_OF_RANGE.
     */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = h.substring(6).strip();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).strip();
        String b = spec.substring(dash + 1).strip();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty() || !digits(b)) {
                    return null;
                }
                long suffix = Long.parseLong(b);
                if (suffix == 0 || size == 0) {
                    throw unsatisfiable(header, size);
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1, size);
            }
            if (!digits(a) || (!b.isEmpty() && !digits(b))) {
                return null;
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (last < first) {
                return null;
            }
            if (first >= size) {
                throw unsatisfiable(header, size);
            }
            return new ByteRange(first, Math.min(last, size - 1), size);
        } catch (NumberFormatException e) {
            // more digits than a long holds
            return null;
        }
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static ContentException unsatisfiable(String header, long size) {
        return new ContentException(ErrorCode.OUT_OF_RANGE, "range '" + RequestTarget.shorten(header)
                + "' not satisfiable for a blob of " + size + " bytes");
    }
}
