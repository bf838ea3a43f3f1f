package io.stowage.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Someone the server knows, and what they may do: {@code access} on the content API ({@code /v1}), and on the
 * registry API ({@code /v2}) the access of the longest repository prefix that matches the repository, or
 * {@code access} when no prefixes are configured. Immutable.
 *
 * @param name         the principal's name (the user name for basic auth)
 * @param access       access to the content API, and to every repository when {@code repositories} is empty
 * @param repositories repository prefix to access; a prefix matches the repository of that name and those below
 *                     it ({@code team} and {@code team/} both match {@code team/app}); {@code ""} and {@code *}
 *                     match every repository
 */
public record Principal(String name, Access access, Map<String, Access> repositories) {
    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(access, "access");
        repositories = new LinkedHashMap<>(repositories);
    }

    @Override
    public Map<String, Access> repositories() {
        return Map.copyOf(repositories);
    }

    /** The access to {@code repository} on the registry API. */
    public Access repositoryAccess(String repository) {
        if (repositories.isEmpty()) {
            return access;
        }
        Access best = Access.NONE;
        int bestLength = -1;
        for (Map.Entry<String, Access> e : repositories.entrySet()) {
            String p = e.getKey();
            if (matches(p, repository) && p.length() > bestLength) {
                best = e.getValue();
                bestLength = p.length();
            }
        }
        return best;
    }

    private static boolean matches(String prefix, String repository) {
        if (prefix.isEmpty() || prefix.equals("*")) {
            return true;
        }
        String dir = prefix.endsWith("/") ? prefix : prefix + "/";
        return repository.equals(prefix) || repository.equals(dir.substring(0, dir.length() - 1))
                || repository.startsWith(dir);
    }
}
