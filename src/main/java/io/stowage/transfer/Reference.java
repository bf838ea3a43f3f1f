package io.stowage.transfer;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import java.util.regex.Pattern;

/**
 * An image reference {@code [REGISTRY/]NAME[:TAG][@DIGEST]}, normalised as Docker does: without a registry (a first
 * component with no {@code .} or {@code :} and other than {@code localhost}) it is {@code docker.io}, where a
 * one-component name gets {@code library/}; {@code index.docker.io} is {@code docker.io}; without tag and digest the
 * tag is {@code latest}. Names are lower-case path components ({@code [a-z0-9]+} joined by {@code .}, {@code _},
 * {@code __} or dashes); tags are {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}. Immutable.
 *
 * @param registry the registry host with an optional port, e.g. {@code docker.io} or {@code 127.0.0.1:5000}
 * @param repository the repository path in that registry, e.g. {@code library/alpine}
 * @param tag the tag, or null when only a digest is given
 * @param digest the digest, or null
 */
public record Reference(String registry, String repository, String tag, Digest digest) {
    /** The registry used when a reference names none. */
    public static final String DOCKER_HUB = "docker.io";
    private static final String DOCKER_HUB_HOST = "registry-1.docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]+)?|\\[[0-9A-Fa-f:.]+\\](?::[0-9]+)?");

    public Reference {
        if (registry == null || !HOST.matcher(registry).matches()) {
            throw ContentException.invalidArgument("reference: bad registry " + registry);
        }
        if (repository == null || repository.isEmpty()) {
            throw ContentException.invalidArgument("reference: empty repository");
        }
        for (String c : repository.split("/", -1)) {
            if (!COMPONENT.matcher(c).matches()) {
                throw ContentException.invalidArgument("reference " + registry + "/" + repository
                        + ": bad path component '" + c + "' (lower-case letters, digits, separators . _ __ -)");
            }
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw ContentException.invalidArgument("reference " + registry + "/" + repository + ": bad tag '" + tag + "'");
        }
        if (tag == null && digest == null) {
            throw ContentException.invalidArgument("reference " + registry + "/" + repository + ": tag or digest needed");
        }
    }

    /** Parses and normalises a reference; INVALID_ARGUMENT saying what is wrong. */
    public static Reference parse(String s) {
        if (s == null || s.isBlank()) {
            throw ContentException.invalidArgument("reference: empty");
        }
        String rest = s.strip();
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parse(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry;
        String repository;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? null : rest.substring(0, slash);
        if (first != null && (first.contains(".") || first.contains(":") || first.equals("localhost")
                || first.startsWith("["))) {
            registry = first;
            repository = rest.substring(slash + 1);
        } else {
            registry = DOCKER_HUB;
            repository = rest;
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
            repository = "library/" + repository;
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new Reference(registry, repository, tag, digest);
    }

    /** {@code REGISTRY/REPOSITORY}. */
    public String name() {
        return registry + "/" + repository;
    }

    /** What to ask the registry for: the digest when there is one, else the tag. */
    public String object() {
        return digest != null ? digest.toString() : tag;
    }

    /** The host (and port) to connect to: {@code registry-1.docker.io} for Docker Hub, else the registry. */
    public String host() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_HOST : registry;
    }

    /** The same repository with another tag (no digest). */
    public Reference withTag(String newTag) {
        return new Reference(registry, repository, newTag, null);
    }

    /** The same repository at a digest, keeping the tag. */
    public Reference withDigest(Digest newDigest) {
        return new Reference(registry, repository, tag, newDigest);
    }

    /** The normalised form, {@code REGISTRY/REPOSITORY[:TAG][@DIGEST]}. */
    @Override
    public String toString() {
        return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
