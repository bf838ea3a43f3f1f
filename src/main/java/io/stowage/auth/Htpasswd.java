package io.stowage.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An htpasswd file of bcrypt hashes ({@code htpasswd -B}): one {@code user:$2y$COST$...} per line, blank lines and
 * {@code #} comments ignored. Other hash formats (MD5 {@code $apr1$}, SHA-1, crypt) are refused: only bcrypt is
 * slow enough to store passwords with. Stateless.
 */
final class Htpasswd {
    private Htpasswd() {
    }

    /** User to hash. Blocks (reads the file). Errors: IllegalArgumentException naming the file and line. */
    static Map<String, String> read(Path file, String at) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(at + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String where = at + ": " + file + " line " + (i + 1);
            if (colon <= 0) {
                throw new IllegalArgumentException(where + ": expected user:bcrypt-hash");
            }
            String hash = line.substring(colon + 1);
            checkHash(hash, where);
            users.put(line.substring(0, colon), hash);
        }
        return users;
    }

    /** Refuses anything but a bcrypt hash, without showing it. */
    static void checkHash(String hash, String where) {
        if (!hash.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
            throw new IllegalArgumentException(where
                    + ": not a bcrypt hash ($2y$...; make one with htpasswd -nB USER)");
        }
    }
}
