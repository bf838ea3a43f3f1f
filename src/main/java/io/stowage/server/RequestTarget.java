package io.stowage.server;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request URI taken apart by hand: the raw path split on {@code /} and only then percent-decoded, so a ref
 * may contain {@code /} written as {@code %2F} (Netty's and Reactor Netty's decoders decode before splitting),
 * and the query as form parameters ({@code +} is a space there, not in the path). Malformed escapes or UTF-8 are
 * INVALID_ARGUMENT. Immutable.
 */
final class RequestTarget {
    private final String rawPath;
    private final List<String> segments;
    private final Map<String, List<String>> params;

    private RequestTarget(String rawPath, List<String> segments, Map<String, List<String>> params) {
        this.rawPath = rawPath;
        this.segments = segments;
        this.params = params;
    }

    /** The raw path (no query) of a request URI; an absolute-form URI loses its scheme and authority. */
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

    /** True when the raw path of {@code uri} is {@code prefix} or below it. */
    static boolean under(String uri, String prefix) {
        String p = rawPath(uri);
        return p.equals(prefix) || p.equals(prefix + "/") || p.startsWith(prefix + "/");
    }

    /** Parses {@code uri}, keeping the decoded path segments after {@code prefix} (no empty trailing one). */
    static RequestTarget parse(String uri, String prefix) {
        String p = rawPath(uri);
        String rest = p.length() > prefix.length() ? p.substring(prefix.length() + 1) : "";
        List<String> segs = new ArrayList<>();
        if (!rest.isEmpty()) {
            for (String s : rest.split("/", -1)) {
                segs.add(decode(s, false));
            }
            if (segs.get(segs.size() - 1).isEmpty() && rest.endsWith("/")) {
                segs.remove(segs.size() - 1);
            }
        }
        int q = uri.indexOf('?');
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (q >= 0) {
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
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
                params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return new RequestTarget(p, List.copyOf(segs), params);
    }

    String rawPath() {
        return rawPath;
    }

    /** The decoded path segments below the prefix. */
    List<String> segments() {
        return segments;
    }

    /** Every value of a query parameter, in order; empty when absent. */
    List<String> all(String name) {
        return params.getOrDefault(name, List.of());
    }

    /** The one value of a parameter, or null when absent; INVALID_ARGUMENT when given more than once. */
    String single(String name) {
        List<String> v = all(name);
        if (v.size() > 1) {
            throw ContentException.invalidArgument("query parameter " + name + " given " + v.size() + " times");
        }
        return v.isEmpty() ? null : v.get(0);
    }

    /** The {@code expiry} parameter: whole seconds, positive; null when not given. */
    java.time.Duration expiry() {
        long s = nonNegative("expiry", -1);
        if (s == 0) {
            throw ContentException.invalidArgument("query parameter expiry=0: want a positive number of seconds");
        }
        return s < 0 ? null : java.time.Duration.ofSeconds(s);
    }

    /** A non-negative long parameter, or {@code absent} when not given. */
    long nonNegative(String name, long absent) {
        String v = single(name);
        if (v == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ContentException.invalidArgument("query parameter " + name + "=" + shorten(v)
                + ": expected a non-negative integer");
    }

    /** The longest {@code wait} a request may ask for. */
    static final java.time.Duration MAX_WAIT = java.time.Duration.ofHours(1);

    /**
     * A wait parameter ({@code 500ms}, {@code 30s}, {@code 2m}; a bare number is seconds), zero when absent;
     * INVALID_ARGUMENT when malformed or longer than {@link #MAX_WAIT}.
     */
    java.time.Duration waitParam(String name) {
        String v = single(name);
        if (v == null || v.isEmpty()) {
            return java.time.Duration.ZERO;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m)?").matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            java.time.Duration d = switch (unit) {
                case "ms" -> java.time.Duration.ofMillis(n);
                case "m" -> java.time.Duration.ofMinutes(n);
                default -> java.time.Duration.ofSeconds(n);
            };
            if (d.compareTo(MAX_WAIT) <= 0) {
                return d;
            }
        }
        throw ContentException.invalidArgument("query parameter " + name + "=" + shorten(v)
                + ": expected a wait of at most 1h such as 500ms, 30s or 2m");
    }

    /** A digest parameter, or null when absent or empty. */
    Digest digest(String name) {
        String v = single(name);
        return v == null || v.isEmpty() ? null : Digest.parse(v);
    }

    /** A boolean parameter: {@code true}, {@code false}, or bare ({@code ?commit}) for true. */
    boolean flag(String name) {
        String v = single(name);
        if (v == null) {
            return false;
        }
        return switch (v) {
            case "", "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ContentException.invalidArgument("query parameter " + name + "=" + shorten(v)
                    + ": expected true or false");
        };
    }

    /** Repeated {@code name=k=v} parameters as a map (later keys win); a value without {@code =} is invalid. */
    Map<String, String> keyValues(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : all(name)) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw ContentException.invalidArgument("query parameter " + name + "=" + shorten(kv)
                        + ": expected KEY=VALUE");
            }
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }

    /** Strict percent-decoding to UTF-8; {@code plusIsSpace} for the query (form encoding). */
    static String decode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw ContentException.invalidArgument("'" + shorten(s) + "': truncated percent-escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw ContentException.invalidArgument("'" + shorten(s) + "': bad percent-escape");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ContentException.invalidArgument("'" + shorten(s) + "': not valid UTF-8 once decoded");
        }
    }

    static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
