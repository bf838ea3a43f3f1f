package io.stowage.registry;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import java.util.regex.Pattern;

/**
 * The grammar of distribution-spec 1.1 for repository names and tags. A name is path components of lower-case
 * alphanumerics joined by {@code .}, {@code _}, {@code __} or runs of {@code -}, separated by {@code /}, at most
 * {@value #MAX_NAME_LENGTH} characters (clients limit host plus name to 255); a tag is
 * {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}; a digest is one the store accepts ({@code sha256}, {@code sha512}).
 */
final class Names {
    static final int MAX_NAME_LENGTH = 255;
    private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
    private static final Pattern NAME = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    private Names() {
    }

    static boolean isName(String s) {
        return s != null && !s.isEmpty() && s.length() <= MAX_NAME_LENGTH && NAME.matcher(s).matches();
    }

    static boolean isTag(String s) {
        return s != null && TAG.matcher(s).matches();
    }

    /** {@code name} when valid, else NAME_INVALID. */
    static String requireName(String name) {
        if (!isName(name)) {
            throw RegistryError.NAME_INVALID.withDetail(
                    "'" + shorten(name) + "' is not a repository name: lower-case path components matching "
                            + COMPONENT + " joined by '/', at most " + MAX_NAME_LENGTH + " characters");
        }
        return name;
    }

    /** The digest {@code s}, or DIGEST_INVALID saying why it is not one (sha256 and sha512 are supported). */
    static Digest digest(String s) {
        try {
            return Digest.parse(s);
        } catch (ContentException e) {
            throw RegistryError.DIGEST_INVALID.withDetail(e.getMessage());
        }
    }

    static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 140 ? s : s.substring(0, 140) + "...";
    }
}
