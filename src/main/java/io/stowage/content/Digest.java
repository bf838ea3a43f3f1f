package io.stowage.content;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A content digest: algorithm and lower-case hex, written {@code alg:hex}. Only {@code sha256} and
 * {@code sha512} are accepted; everything else is rejected on creation with {@link ErrorCode#INVALID_ARGUMENT},
 * so a Digest can safely become a file name. Immutable and thread-safe.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
    public static final String SHA256 = "sha256";
    public static final String SHA512 = "sha512";

    public Digest {
        if (algorithm == null || hex == null) {
            throw ContentException.invalidArgument("digest: algorithm and hex are required");
        }
        int len = hexLength(algorithm);
        if (hex.length() != len) {
            throw ContentException.invalidArgument(
                    "digest " + algorithm + ":" + abbreviate(hex) + ": " + algorithm + " needs " + len
                            + " hex characters, got " + hex.length());
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw ContentException.invalidArgument(
                        "digest " + algorithm + ":" + abbreviate(hex) + ": invalid character '" + c
                                + "' (lower-case hex only)");
            }
        }
    }

    /** Parses {@code alg:hex}; rejects unknown algorithms, wrong lengths and non-hex with INVALID_ARGUMENT. */
    public static Digest parse(String s) {
        if (s == null || s.isEmpty()) {
            throw ContentException.invalidArgument("digest: empty");
        }
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw ContentException.invalidArgument("digest " + abbreviate(s) + ": expected <algorithm>:<hex>");
        }
        return new Digest(s.substring(0, colon), s.substring(colon + 1));
    }

    /** The digest of the given bytes computed with {@code algorithm}. */
    public static Digest of(String algorithm, byte[] data) {
        MessageDigest md = newMessageDigest(algorithm);
        return fromBytes(algorithm, md.digest(data));
    }

    /** The sha256 digest of the given bytes. */
    public static Digest sha256(byte[] data) {
        return of(SHA256, data);
    }

    /** A digest from a finished hash. */
    public static Digest fromBytes(String algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    /** A new JCA MessageDigest for {@code sha256} or {@code sha512}. */
    public static MessageDigest newMessageDigest(String algorithm) {
        hexLength(algorithm);
        try {
            return MessageDigest.getInstance(algorithm.equals(SHA256) ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new MessageDigest of this digest's algorithm. */
    public MessageDigest newMessageDigest() {
        return newMessageDigest(algorithm);
    }

    /** The first 12 hex characters, for display. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    private static int hexLength(String algorithm) {
        return switch (algorithm) {
            case SHA256 -> 64;
            case SHA512 -> 128;
            default -> throw ContentException.invalidArgument(
                    "digest: unsupported algorithm '" + abbreviate(algorithm) + "' (supported: sha256, sha512)");
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 140 ? s : s.substring(0, 140) + "...";
    }

    @Override
    public int compareTo(Digest o) {
        int c = algorithm.compareTo(o.algorithm);
        return c != 0 ? c : hex.compareTo(o.hex);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
