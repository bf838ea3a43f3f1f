package io.stowage.registry;

/**
 * The two byte-range headers of the registry protocol. {@code Range: bytes=a-b} on blob reads (RFC 9110, a single
 * range; anything else is ignored and the whole blob sent, as the RFC allows) and {@code Content-Range: a-b} on
 * upload chunks (the spec's {@code ^[0-9]+-[0-9]+$}; the RFC form {@code bytes a-b/N} is accepted too).
 */
final class Ranges {
    private Ranges() {
    }

    /** A resolved read range, {@code first} to {@code last} inclusive, of a blob of {@code size} bytes. */
    record Read(long first, long last, long size) {
        long length() {
            return last - first + 1;
        }

        String contentRange() {
            return "bytes " + first + "-" + last + "/" + size;
        }
    }

    /** A chunk's declared place in the upload, {@code first} to {@code last} inclusive. */
    record Chunk(long first, long last) {
        long length() {
            return last - first + 1;
        }
    }

    /**
     * The range a {@code Range} header asks of a blob of {@code size} bytes; null for the whole blob. An
     * unsatisfiable range is RANGE_INVALID with {@code Content-Range: bytes *}{@code /size}.
     */
    static Read read(String header, long size) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = h.substring(6).strip();
        int dash = spec.indexOf('-');
        if (spec.indexOf(',') >= 0 || dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).strip();
        String b = spec.substring(dash + 1).strip();
        if ((!a.isEmpty() && !digits(a)) || (!b.isEmpty() && !digits(b)) || (a.isEmpty() && b.isEmpty())) {
            return null;
        }
        try {
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix == 0 || size == 0) {
                    throw unsatisfiable(header, size);
                }
                return new Read(Math.max(0, size - suffix), size - 1, size);
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (last < first) {
                return null;
            }
            if (first >= size) {
                throw unsatisfiable(header, size);
            }
            return new Read(first, Math.min(last, size - 1), size);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The chunk a {@code Content-Range} declares; null when absent; BLOB_UPLOAD_INVALID when malformed. */
    static Chunk chunk(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (h.regionMatches(true, 0, "bytes", 0, 5)) {
            h = h.substring(5).strip();
            if (h.startsWith("=")) {
                h = h.substring(1).strip();
            }
            int slash = h.indexOf('/');
            if (slash >= 0) {
                String total = h.substring(slash + 1);
                if (!total.equals("*") && !digits(total)) {
                    throw malformed(header);
                }
                h = h.substring(0, slash);
            }
        }
        int dash = h.indexOf('-');
        if (dash <= 0 || !digits(h.substring(0, dash)) || !digits(h.substring(dash + 1))) {
            throw malformed(header);
        }
        try {
            long first = Long.parseLong(h.substring(0, dash));
            long last = Long.parseLong(h.substring(dash + 1));
            if (last < first) {
                throw malformed(header);
            }
            return new Chunk(first, last);
        } catch (NumberFormatException e) {
            throw malformed(header);
        }
    }

    /** The {@code Range} header value of an upload holding {@code offset} bytes: {@code 0-<last byte>}. */
    static String uploaded(long offset) {
        return "0-" + Math.max(0, offset - 1);
    }

    private static boolean digits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static RegistryException unsatisfiable(String header, long size) {
        return RegistryError.RANGE_INVALID.withDetail("range '" + Names.shorten(header)
                + "' is not satisfiable for a blob of " + size + " bytes").header("Content-Range", "bytes */" + size);
    }

    private static RegistryException malformed(String header) {
        return RegistryError.BLOB_UPLOAD_INVALID.withDetail("Content-Range '" + Names.shorten(header)
                + "' is not <first>-<last>");
    }
}
