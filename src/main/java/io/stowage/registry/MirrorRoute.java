package io.stowage.registry;

import io.stowage.transfer.Credentials;
import java.time.Duration;
import java.util.Objects;

/**
 * One upstream of a pull-through mirror: local repositories named {@code prefix} or {@code prefix/...} (every
 * repository when the prefix is empty) are backed by repositories of the upstream {@code registry}, named by
 * replacing the prefix with {@code upstreamPrefix}: with prefix {@code hub} and upstream prefix {@code library},
 * local {@code hub/alpine} is upstream {@code library/alpine}. Immutable.
 *
 * @param prefix         the local repository prefix, without a trailing slash; empty for every repository
 * @param registry       the upstream registry as {@code host[:port]}
 * @param upstreamPrefix the upstream repository prefix replacing {@code prefix}; empty for none
 * @param credentials    user and password for the upstream (anonymous: {@link Credentials#anonymous()})
 * @param plainHttp      talk {@code http://} to the upstream instead of {@code https://}
 * @param tagTtl         how long a manifest fetched by tag is served without asking the upstream again
 */
public record MirrorRoute(String prefix, String registry, String upstreamPrefix, Credentials credentials,
                          boolean plainHttp, Duration tagTtl) {
    public MirrorRoute {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(upstreamPrefix, "upstreamPrefix");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(tagTtl, "tagTtl");
        if (prefix.endsWith("/") || upstreamPrefix.endsWith("/") || prefix.startsWith("/")
                || upstreamPrefix.startsWith("/")) {
            throw new IllegalArgumentException("mirror prefixes are given without leading or trailing slash: '"
                    + prefix + "', '" + upstreamPrefix + "'");
        }
        if (registry.isEmpty() || registry.contains("/")) {
            throw new IllegalArgumentException("mirror registry must be host[:port], got '" + registry + "'");
        }
        if (tagTtl.isNegative()) {
            throw new IllegalArgumentException("mirror tagTtl must not be negative, got " + tagTtl);
        }
    }

    /** Anonymous, https, tags revalidated after 5 minutes. */
    public static MirrorRoute of(String prefix, String registry) {
        return new MirrorRoute(prefix, registry, "", Credentials.anonymous(), false, Duration.ofMinutes(5));
    }

    public MirrorRoute withUpstreamPrefix(String p) {
        return new MirrorRoute(prefix, registry, p, credentials, plainHttp, tagTtl);
    }

    public MirrorRoute withCredentials(Credentials c) {
        return new MirrorRoute(prefix, registry, upstreamPrefix, c, plainHttp, tagTtl);
    }

    public MirrorRoute withPlainHttp(boolean v) {
        return new MirrorRoute(prefix, registry, upstreamPrefix, credentials, v, tagTtl);
    }

    public MirrorRoute withTagTtl(Duration ttl) {
        return new MirrorRoute(prefix, registry, upstreamPrefix, credentials, plainHttp, ttl);
    }

    /** Whether local repository {@code name} is under this route's prefix. */
    boolean covers(String name) {
        return prefix.isEmpty() || name.equals(prefix) || name.startsWith(prefix + "/");
    }

    /** The upstream repository of local {@code name} (which this route covers); null when it would be empty. */
    String upstreamName(String name) {
        String rest = prefix.isEmpty() ? name : name.substring(prefix.length());
        if (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        if (upstreamPrefix.isEmpty()) {
            return rest.isEmpty() ? null : rest;
        }
        return rest.isEmpty() ? upstreamPrefix : upstreamPrefix + "/" + rest;
    }

    @Override
    public String toString() {
        return "MirrorRoute[" + (prefix.isEmpty() ? "*" : prefix) + " -> " + (plainHttp ? "http://" : "https://")
                + registry + (upstreamPrefix.isEmpty() ? "" : "/" + upstreamPrefix) + ", tagTtl " + tagTtl + "]";
    }
}
