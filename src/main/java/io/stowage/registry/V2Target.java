package io.stowage.registry;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request URI under {@code /v2} taken apart by hand. Repository names contain slashes, so the endpoint is
 * recognised from the right end of the raw path:
 * <pre>
 *   /v2/                                   BASE
 *   /v2/NAME/tags/list                     TAGS
 *   /v2/NAME/manifests/REFERENCE           MANIFEST
 *   /v2/NAME/referrers/DIGEST              REFERRERS
 *   /v2/NAME/blobs/uploads/                UPLOADS     (also without the trailing slash)
 *   /v2/NAME/blobs/uploads/ID              UPLOAD
 *   /v2/NAME/blobs/DIGEST                  BLOB
 * </pre>
 * NAME is kept raw (a valid name has nothing to decode, so an escape makes it invalid); the last segment is
 * percent-decoded when it decodes cleanly. Query parameters are form-decoded. Immutable.
 */
record V2Target(Kind kind, String name, String reference, Map<String, List<String>> query) {
    static final String PREFIX = "/v2";

    enum Kind { BASE, TAGS, MANIFEST, REFERRERS, UPLOADS, UPLOAD, BLOB }

    /** True when the raw path of {@code uri} is {@code /v2} or below it. */
    static boolean matches(String uri) {
        String p = rawPath(uri);
        return p.equals(PREFIX) || p.startsWith(PREFIX + "/");
    }

    /** The endpoint of {@code uri}, or null when the path is under /v2 but names no endpoint. */
    static V2Target parse(String uri) {
        String p = rawPath(uri);
        Map<String, List<String>> query = query(uri);
        String rest = p.length() <= PREFIX.length() + 1 ? "" : p.substring(PREFIX.length() + 1);
        if (rest.isEmpty()) {
            return new V2Target(Kind.BASE, "", "", query);
        }
        List<String> s = Arrays.asList(rest.split("/", -1));
        int n = s.size();
        String last = s.get(n - 1);
        if (last.isEmpty()) {
            // only /v2/NAME/blobs/uploads/ ends with a slash
            if (n >= 4 && s.get(n - 2).equals("uploads") && s.get(n - 3).equals("blobs")) {
                return new V2Target(Kind.UPLOADS, join(s, n - 3), "", query);
            }
            return null;
        }
        if (n < 3) {
            return null;
        }
        String before = s.get(n - 2);
        if (before.equals("tags") && last.equals("list")) {
            return new V2Target(Kind.TAGS, join(s, n - 2), "", query);
        }
        if (before.equals("manifests")) {
            return new V2Target(Kind.MANIFEST, join(s, n - 2), decode(last), query);
        }
        if (before.equals("referrers")) {
            return new V2Target(Kind.REFERRERS, join(s, n - 2), decode(last), query);
        }
        if (n >= 4 && before.equals("uploads") && s.get(n - 3).equals("blobs")) {
            return new V2Target(Kind.UPLOAD, join(s, n - 3), decode(last), query);
        }
        if (before.equals("blobs")) {
            if (last.equals("uploads")) {
                return new V2Target(Kind.UPLOADS, join(s, n - 2), "", query);
            }
            return new V2Target(Kind.BLOB, join(s, n - 2), decode(last), query);
        }
        return null;
    }

    /** The one value of a query parameter, or null when absent (the first one when repeated). */
    String param(String key) {
        List<String> v = query.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String join(List<String> s, int end) {
        return String.join("/", s.subList(0, end));
    }

    static String rawPath(String uri) {
        int q = uri.indexOf('?');
        String p = q < 0 ? uri : uri.substring(0, q);
        int hash = p.indexOf('#');
        if (hash >= 0) {
            p = p.substring(0, hash);
        }
        int scheme = p.indexOf("://");
        if (scheme >= 0) {
            int slash = p.indexOf('/', scheme + 3);
            p = slash < 0 ? "/" : p.substring(slash);
        }
        return p;
    }

    private static Map<String, List<String>> query(String uri) {
        int q = uri.indexOf('?');
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (q < 0) {
            return params;
        }
        String query = uri.substring(q + 1);
        int hash = query.indexOf('#');
        if (hash >= 0) {
            query = query.substring(0, hash);
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = formDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String formDecode(String s) {
        String d = percentDecode(s.replace('+', ' '));
        return d == null ? s : d;
    }

    /** The percent-decoded segment, or the raw one when it does not decode to valid UTF-8. */
    private static String decode(String s) {
        String d = percentDecode(s);
        return d == null ? s : d;
    }

    /** Strict percent-decoding to UTF-8; null when malformed. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '%') {
                if (i + 2 >= raw.length) {
                    return null;
                }
                int hi = Character.digit(raw[i + 1], 16);
                int lo = Character.digit(raw[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
