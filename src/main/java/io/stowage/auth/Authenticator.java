package io.stowage.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Who sent a request, from its {@code Authorization} header: {@code Bearer T} where T is a static token of the
 * config (looked up by its SHA-256) or a valid registry token ({@link RegistryTokens}); {@code Basic} with a user
 * and password checked against the user's bcrypt hash. bcrypt costs about 100 ms of CPU, so it runs on the given
 * bounded scheduler, never on the caller's (event-loop) thread, and a successful check is remembered for
 * {@code cacheTtl} under a salted SHA-256 of the credentials (never the credentials themselves); concurrent
 * requests with the same credentials share one check, failures are not remembered. An unknown user costs a
 * bcrypt check too, so timing does not tell which users exist. Thread-safe.
 */
final class Authenticator {
    /** An authenticated caller; {@code token} is set when it came with a registry token (whose scopes bound it). */
    record Identity(Principal principal, RegistryTokens.Claims token) {
    }

    /** The credentials are missing a part, unknown or wrong; the message never contains them. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static final int MAX_CACHED = 10_000;

    private final AuthConfig config;
    private final RegistryTokens tokens;
    private final Scheduler bcrypt;
    private final Duration cacheTtl;
    private final byte[] salt = new byte[16];
    private final String dummyHash;
    private final ConcurrentHashMap<String, Mono<Principal>> verified = new ConcurrentHashMap<>();

    Authenticator(AuthConfig config, RegistryTokens tokens, Scheduler bcrypt, Duration cacheTtl) {
        this.config = config;
        this.tokens = tokens;
        this.bcrypt = bcrypt;
        this.cacheTtl = cacheTtl;
        SecureRandom random = new SecureRandom();
        random.nextBytes(salt);
        byte[] dummySalt = new byte[16];
        random.nextBytes(dummySalt);
        this.dummyHash = OpenBSDBCrypt.generate("2y", "not a password".toCharArray(), dummySalt, 10);
    }

    /** The caller; empty without an Authorization header; {@link Refused} for credentials that do not hold. */
    Mono<Identity> authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Mono.empty();
        }
        String h = authorization.strip();
        int sp = h.indexOf(' ');
        String scheme = sp < 0 ? h : h.substring(0, sp);
        String value = sp < 0 ? "" : h.substring(sp + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return Mono.fromCallable(() -> bearer(value));
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            return basic(value).map(p -> new Identity(p, null));
        }
        return Mono.error(new Refused("unsupported authorization scheme " + safe(scheme)));
    }

    /** A static token of the config (not a registry token): for the token endpoint. */
    Optional<Principal> staticToken(String token) {
        return Optional.ofNullable(config.byTokenHash(AuthConfig.sha256Hex(token)));
    }

    private Identity bearer(String token) {
        if (token.isEmpty()) {
            throw new Refused("empty bearer token");
        }
        Principal p = config.byTokenHash(AuthConfig.sha256Hex(token));
        if (p != null) {
            return new Identity(p, null);
        }
        RegistryTokens.Claims claims = tokens.verify(token).orElseThrow(
                () -> new Refused("invalid or expired token"));
        Principal owner = config.principal(claims.subject());
        if (owner == null) {
            throw new Refused("invalid or expired token");
        }
        return new Identity(owner, claims);
    }

    /** The principal of {@code Basic} credentials (base64 of user:password), checked off the calling thread. */
    Mono<Principal> basic(String base64) {
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Mono.error(new Refused("basic credentials are not base64"));
        }
        int colon = pair.indexOf(':');
        if (colon <= 0) {
            return Mono.error(new Refused("basic credentials are not user:password"));
        }
        String user = pair.substring(0, colon);
        String password = pair.substring(colon + 1);
        String key = cacheKey(pair);
        if (verified.size() > MAX_CACHED) {
            verified.clear();
        }
        return verified.computeIfAbsent(key, k -> check(user, password)
                .doOnError(e -> verified.remove(k))
                .cache(p -> cacheTtl, e -> Duration.ZERO, () -> Duration.ZERO));
    }

    private Mono<Principal> check(String user, String password) {
        return Mono.fromCallable(() -> {
            String hash = config.passwordHash(user);
            Principal p = config.principal(user);
            boolean ok = OpenBSDBCrypt.checkPassword(hash == null ? dummyHash : hash, password.toCharArray());
            if (!ok || hash == null || p == null) {
                throw new Refused("wrong user name or password");
            }
            return p;
        }).subscribeOn(bcrypt);
    }

    private String cacheKey(String pair) {
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(salt);
            return HexFormat.of().formatHex(md.digest(pair.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String safe(String s) {
        return s.length() > 20 || !s.matches("[A-Za-z0-9-]*") ? "(unreadable)" : s;
    }
}
