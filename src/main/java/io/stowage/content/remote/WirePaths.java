package io.stowage.content.remote;

import io.stowage.content.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The request paths of the content API, with refs, digests and query values percent-encoded byte by byte
 * (UTF-8; everything but RFC 3986 unreserved characters), so a {@code /} inside a ref travels as {@code %2F},
 * a ref {@code ..} as {@code %2E%2E}, and a {@code +} in a query value is not taken for a space.
 */
final class WirePaths {
    static final String CONTENT = "/v1/content";
    static final String INGESTS = "/v1/ingests";
    static final String VERIFY = "/v1/verify";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private WirePaths() {
    }

    /** {@code /v1/content/{digest}}: the bytes of a blob. */
    static String blob(Digest digest) {
        return CONTENT + "/" + segment(digest.toString());
    }

    /** {@code /v1/content/{digest}/info}. */
    static String info(Digest digest) {
        return blob(digest) + "/info";
    }

    /** {@code /v1/content/{digest}/verify[?quarantine=true]}. */
    static String verify(Digest digest, boolean quarantine) {
        return blob(digest) + "/verify" + (quarantine ? "?quarantine=true" : "");
    }

    /** {@code /v1/ingests/{ref}}. */
    static String ingest(String ref) {
        return INGESTS + "/" + segment(ref);
    }

    /** One path segment: {@link #encode}d, and {@code .} or {@code ..} escaped so no one takes it for a step. */
    static String segment(String s) {
        return s.equals(".") || s.equals("..") ? s.replace(".", "%2E") : encode(s);
    }

    /** {@code /v1/ingests/{ref}/write?total=T&expected=D}, each parameter only when declared. */
    static String writeSession(String ref, long total, Digest expected) {
        return writeSession(ref, total, expected, java.time.Duration.ZERO, null);
    }

    /**
     * As {@link #writeSession(String, long, Digest)}, with {@code wait=Nms} when {@code wait} is positive and the
     * ingest's own expiry in whole seconds (rounded up) when {@code expiry} is given.
     */
    static String writeSession(String ref, long total, Digest expected, java.time.Duration wait,
                               java.time.Duration expiry) {
        StringBuilder b = new StringBuilder(ingest(ref)).append("/write");
        char sep = '?';
        if (wait.compareTo(java.time.Duration.ofMillis(1)) >= 0) {
            b.append(sep).append("wait=").append(wait.toMillis()).append("ms");
            sep = '&';
        }
        if (total > 0) {
            b.append(sep).append("total=").append(total);
            sep = '&';
        }
        if (expected != null) {
            b.append(sep).append("expected=").append(encode(expected.toString()));
            sep = '&';
        }
        if (expiry != null) {
            long s = expiry.toSeconds() + (expiry.toNanosPart() > 0 ? 1 : 0);
            b.append(sep).append("expiry=").append(Math.max(1, s));
        }
        return b.toString();
    }

    /** {@code path?name=v1&name=v2...}; just the path for no values. */
    static String withRepeated(String path, String name, List<String> values) {
        if (values.isEmpty()) {
            return path;
        }
        StringBuilder b = new StringBuilder(path);
        char sep = '?';
        for (String v : values) {
            b.append(sep).append(name).append('=').append(encode(v));
            sep = '&';
        }
        return b.toString();
    }

    /** Percent-encodes every UTF-8 byte of {@code s} that is not an RFC 3986 unreserved character. */
    static String encode(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(bytes.length + 16);
        for (byte x : bytes) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return b.toString();
    }
}
