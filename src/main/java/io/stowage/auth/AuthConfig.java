package io.stowage.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code auth:} section of the config, read and checked (see {@code docs/security.md}):
 * <pre>
 *   auth:
 *     htpasswd: FILE          # user:bcrypt-hash lines ($2a$, $2b$, $2y$); read at start
 *     tokenKey: FILE          # key signing registry tokens (at least 32 bytes); default: random per process
 *     tokenTtl: 5m            # lifetime of registry tokens
 *     realm: URL              # token realm to announce; default: SCHEME://HOST/v2/token of the request
 *     principals:
 *       - name: alice         # basic auth with the htpasswd entry (or passwordHash) of this name
 *         access: read-write  # content API, and every repository unless repositories is given
 *         repositories: {"team/": read-write, "": read}
 *       - name: ci
 *         token: SECRET       # a static bearer token (or tokenSha256: its SHA-256 in hex)
 *         access: read
 * </pre>
 * Every principal needs a way to authenticate; names and tokens are unique. Reading it blocks (files): call it at
 * start-up. Errors: IllegalArgumentException naming the key at fault. Immutable; never shows secrets in
 * {@link #toString()} or in errors.
 */
public final class AuthConfig {
    /** Registry tokens live this long unless {@code tokenTtl} says otherwise. */
    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofMinutes(5);
    private static final Set<String> KEYS = Set.of("htpasswd", "tokenKey", "tokenTtl", "realm", "principals");
    private static final Set<String> PRINCIPAL_KEYS = Set.of("name", "access", "repositories", "token",
            "tokenSha256", "passwordHash");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(s|m|h)");

    private final Map<String, Principal> principals;
    private final Map<String, String> tokenHashes;
    private final Map<String, String> passwordHashes;
    private final byte[] tokenKey;
    private final Duration tokenTtl;
    private final String realm;

    private AuthConfig(Map<String, Principal> principals, Map<String, String> tokenHashes,
                       Map<String, String> passwordHashes, byte[] tokenKey, Duration tokenTtl, String realm) {
        this.principals = Map.copyOf(principals);
        this.tokenHashes = Map.copyOf(tokenHashes);
        this.passwordHashes = Map.copyOf(passwordHashes);
        this.tokenKey = tokenKey.clone();
        this.tokenTtl = tokenTtl;
        this.realm = realm;
    }

    /** Reads the section ({@code source} names the config file in errors). */
    public static AuthConfig parse(JsonNode section, String source) {
        String at = "config " + source + ": auth";
        if (section == null || !section.isObject()) {
            throw new IllegalArgumentException(at + ": expected a mapping");
        }
        checkKeys(section, KEYS, at);
        Map<String, String> htpasswd = new HashMap<>();
        String file = text(section, "htpasswd", at);
        if (file != null) {
            htpasswd.putAll(Htpasswd.read(Path.of(file), at + ".htpasswd"));
        }
        byte[] key = key(text(section, "tokenKey", at), at + ".tokenKey");
        Duration ttl = duration(text(section, "tokenTtl", at), at + ".tokenTtl");
        String realm = text(section, "realm", at);
        JsonNode list = section.path("principals");
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(at + ".principals: expected a non-empty list of principals");
        }
        Map<String, Principal> principals = new LinkedHashMap<>();
        Map<String, String> tokens = new HashMap<>();
        Map<String, String> passwords = new HashMap<>();
        int i = 0;
        for (JsonNode p : list) {
            String where = at + ".principals[" + i++ + "]";
            if (!p.isObject()) {
                throw new IllegalArgumentException(where + ": expected a mapping");
            }
            checkKeys(p, PRINCIPAL_KEYS, where);
            String name = text(p, "name", where);
            if (name == null) {
                throw new IllegalArgumentException(where + ": needs a name");
            }
            if (principals.containsKey(name)) {
                throw new IllegalArgumentException(where + ": principal " + name + " is listed twice");
            }
            String accessText = text(p, "access", where);
            if (accessText == null) {
                throw new IllegalArgumentException(where + ": needs access (none, read or read-write)");
            }
            Access access = access(accessText, where + ".access");
            Map<String, Access> repos = new LinkedHashMap<>();
            JsonNode r = p.path("repositories");
            if (!r.isMissingNode() && !r.isNull()) {
                if (!r.isObject()) {
                    throw new IllegalArgumentException(where + ".repositories: expected a mapping of prefix to access");
                }
                for (Map.Entry<String, JsonNode> e : r.properties()) {
                    repos.put(e.getKey(), access(e.getValue().asText(), where + ".repositories." + e.getKey()));
                }
            }
            String token = text(p, "token", where);
            String tokenSha = text(p, "tokenSha256", where);
            if (token != null && tokenSha != null) {
                throw new IllegalArgumentException(where + ": token and tokenSha256 exclude each other");
            }
            String hash = token != null ? sha256Hex(token)
                    : tokenSha == null ? null : tokenSha.toLowerCase(Locale.ROOT);
            if (hash != null) {
                if (!hash.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException(where + ".tokenSha256: expected 64 hex digits");
                }
                if (tokens.putIfAbsent(hash, name) != null) {
                    throw new IllegalArgumentException(where + ": the same token is given to two principals");
                }
            }
            String passwordHash = text(p, "passwordHash", where);
            if (passwordHash != null) {
                Htpasswd.checkHash(passwordHash, where + ".passwordHash");
                passwords.put(name, passwordHash);
            } else if (htpasswd.containsKey(name)) {
                passwords.put(name, htpasswd.get(name));
            }
            if (hash == null && !passwords.containsKey(name)) {
                throw new IllegalArgumentException(where + ": principal " + name
                        + " has no token, no passwordHash and no htpasswd entry: it could never log in");
            }
            principals.put(name, new Principal(name, access, repos));
        }
        return new AuthConfig(principals, tokens, passwords, key, ttl, realm);
    }

    /** The principal of this name, or null. */
    Principal principal(String name) {
        return principals.get(name);
    }

    /** The principal whose static token has this SHA-256 (hex), or null. */
    Principal byTokenHash(String sha256Hex) {
        String name = tokenHashes.get(sha256Hex);
        return name == null ? null : principals.get(name);
    }

    /** The bcrypt hash of this user's password, or null. */
    String passwordHash(String user) {
        return passwordHashes.get(user);
    }

    /** The key that signs registry tokens; a copy. */
    byte[] tokenKey() {
        return tokenKey.clone();
    }

    public Duration tokenTtl() {
        return tokenTtl;
    }

    /** The configured token realm, or null to derive it from each request. */
    String realm() {
        return realm;
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    private static byte[] key(String file, String at) {
        if (file == null) {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            return k;
        }
        try {
            byte[] k = Files.readAllBytes(Path.of(file));
            if (k.length < 32) {
                throw new IllegalArgumentException(at + ": " + file + " holds " + k.length
                        + " bytes; at least 32 are needed (e.g. head -c 32 /dev/urandom > FILE)");
            }
            return k;
        } catch (IOException e) {
            throw new IllegalArgumentException(at + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Duration duration(String text, String at) {
        if (text == null) {
            return DEFAULT_TOKEN_TTL;
        }
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(at + ": '" + text + "' is not a positive duration (30s, 5m, 1h)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private static Access access(String text, String at) {
        try {
            return Access.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
        }
    }

    private static void checkKeys(JsonNode n, Set<String> known, String at) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException(at + "." + k + ": unknown key (known: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }

    private static String text(JsonNode n, String key, String at) {
        JsonNode v = n.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isValueNode() || v.asText().isEmpty()) {
            throw new IllegalArgumentException(at + "." + key + ": expected a non-empty string");
        }
        return v.asText();
    }

    @Override
    public String toString() {
        return "AuthConfig[principals=" + principals.keySet() + ", secrets hidden]";
    }
}
