package io.stowage.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.content.ContentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the user name and password for a registry come from: none, one pair for every registry, or a docker-style
 * {@code config.json} ({@code auths.<host>.auth} as base64 {@code user:password}, or {@code username} and
 * {@code password}). Credential helpers ({@code credsStore}, {@code credHelpers}) are not supported. Immutable.
 */
@FunctionalInterface
public interface Credentials {
    /** A user name and password. */
    record Basic(String user, String password) {
        public Basic {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        /** The value of an {@code Authorization: Basic} header. */
        public String header() {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Basic[" + user + ", password hidden]";
        }
    }

    /** The credentials for {@code registry} (as in a {@link Reference}, e.g. {@code docker.io}), if any. */
    Optional<Basic> lookup(String registry);

    /** No credentials: anonymous access, anonymous tokens. */
    static Credentials anonymous() {
        return registry -> Optional.empty();
    }

    /** The same user and password for every registry. */
    static Credentials of(String user, String password) {
        Basic b = new Basic(user, password);
        return registry -> Optional.of(b);
    }

    /**
     * The {@code auths} of a docker {@code config.json}, read now (blocking: call it at start-up). A missing file
     * means no credentials; an unreadable or malformed one is INVALID_ARGUMENT. Keys may be host names or URLs
     * ({@code https://index.docker.io/v1/} stands for {@code docker.io}).
     */
    static Credentials dockerConfig(Path file) {
        Map<String, Basic> byHost = new HashMap<>();
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return anonymous();
        } catch (IOException e) {
            throw ContentException.invalidArgument("docker config " + file + ": " + e.getMessage());
        }
        root.path("auths").fields().forEachRemaining(e -> {
            JsonNode a = e.getValue();
            Basic b = null;
            if (a.path("auth").isTextual() && !a.get("auth").asText().isEmpty()) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(a.get("auth").asText()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException ex) {
                    throw ContentException.invalidArgument("docker config " + file + ": auths." + e.getKey()
                            + ".auth is not base64");
                }
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw ContentException.invalidArgument("docker config " + file + ": auths." + e.getKey()
                            + ".auth is not user:password");
                }
                b = new Basic(decoded.substring(0, colon), decoded.substring(colon + 1));
            } else if (a.path("username").isTextual()) {
                b = new Basic(a.get("username").asText(), a.path("password").asText(""));
            }
            if (b != null) {
                byHost.put(hostOf(e.getKey()), b);
            }
        });
        return registry -> Optional.ofNullable(byHost.get(hostOf(registry)));
    }

    /** The registry named by a config.json key: scheme and path dropped, Docker Hub's aliases as docker.io. */
    private static String hostOf(String key) {
        String h = key;
        int scheme = h.indexOf("://");
        if (scheme >= 0) {
            h = h.substring(scheme + 3);
        }
        int slash = h.indexOf('/');
        if (slash >= 0) {
            h = h.substring(0, slash);
        }
        return switch (h) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> Reference.DOCKER_HUB;
            default -> h;
        };
    }
}
