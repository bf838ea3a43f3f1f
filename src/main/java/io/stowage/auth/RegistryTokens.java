package io.stowage.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tokens of the registry token endpoint: {@code base64url(payload).base64url(HMAC-SHA256(key, payload))} where
 * the payload is {@code {"sub":PRINCIPAL,"exp":EPOCH_SECONDS,"access":["repository:NAME:pull,push",...]}}. A token
 * is valid while its signature checks (in constant time) and it has not expired. The key is the config's
 * {@code tokenKey} or random per process (tokens then die with the process). Thread-safe.
 */
final class RegistryTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

    /** What a valid token says. */
    record Claims(String subject, long expiresAt, List<String> access) {
        Claims {
            access = List.copyOf(access);
        }

        /** True when one of the granted scopes is {@code repository:NAME:...} with {@code action} in it. */
        boolean grants(String repository, String action) {
            for (String s : access) {
                int last = s.lastIndexOf(':');
                if (last < 0 || !s.startsWith("repository:")) {
                    continue;
                }
                String name = s.substring("repository:".length(), last);
                if (name.equals(repository)) {
                    for (String a : s.substring(last + 1).split(",")) {
                        if (a.equals(action) || a.equals("*")) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }

    private final Mac prototype;
    private final Duration ttl;
    private final Clock clock;

    RegistryTokens(byte[] key, Duration ttl, Clock clock) {
        try {
            this.prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(key, "HmacSHA256"));
            prototype.doFinal(new byte[1]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no HmacSHA256", e);
        }
        this.ttl = ttl;
        this.clock = clock;
    }

    Duration ttl() {
        return ttl;
    }

    /** A token for {@code subject} granting {@code access} until now + ttl. */
    String issue(String subject, List<String> access) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sub", subject);
        n.put("exp", clock.instant().plus(ttl).getEpochSecond());
        ArrayNode a = n.putArray("access");
        access.forEach(a::add);
        String payload = B64.encodeToString(n.toString().getBytes(StandardCharsets.UTF_8));
        return payload + "." + B64.encodeToString(sign(payload));
    }

    /** The claims of a token with a valid signature that has not expired; empty for anything else. */
    Optional<Claims> verify(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.') || token.length() > 16 << 10) {
            return Optional.empty();
        }
        String payload = token.substring(0, dot);
        byte[] signature;
        try {
            signature = UNB64.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(signature, sign(payload))) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(UNB64.decode(payload));
            long exp = n.path("exp").asLong(0);
            if (exp <= clock.instant().getEpochSecond() || !n.path("sub").isTextual()) {
                return Optional.empty();
            }
            List<String> access = new ArrayList<>();
            n.path("access").forEach(s -> access.add(s.asText()));
            return Optional.of(new Claims(n.get("sub").asText(), exp, access));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private byte[] sign(String payload) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
        }
        return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
    }
}
