package io.stowage.auth;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The principals every auth test uses, written as an htpasswd file and an {@code auth:} section:
 * <pre>
 *   alice   basic      read-write on /v1; repositories: team/ read-write, everything else read
 *   bob     basic      read
 *   ci      token      read-write
 *   reader  token      read
 * </pre>
 * The secrets are long and distinctive so that a test can search logs for them.
 */
public final class AuthFixture {
    public static final String ALICE = "alice";
    public static final String ALICE_PASSWORD = "alice-Pw-5ecret-7f3a91";
    public static final String BOB = "bob";
    public static final String BOB_PASSWORD = "bob-Pw-5ecret-c0ffee";
    public static final String CI_TOKEN = "ci-Tok3n-5ecret-4d2b8e7a";
    public static final String READER_TOKEN = "reader-Tok3n-5ecret-91e0";

    private AuthFixture() {
    }

    /** Writes {@code htpasswd} into {@code dir} and returns the YAML of the {@code auth:} section (top level). */
    public static String authYaml(Path dir) {
        Path htpasswd = dir.resolve("htpasswd");
        try {
            Files.createDirectories(dir);
            Files.writeString(htpasswd, "# test users\n" + ALICE + ":" + bcrypt(ALICE_PASSWORD) + "\n"
                    + BOB + ":" + bcrypt(BOB_PASSWORD) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "auth:\n"
                + "  htpasswd: " + htpasswd + "\n"
                + "  principals:\n"
                + "    - name: " + ALICE + "\n"
                + "      access: read-write\n"
                + "      repositories:\n"
                + "        \"team/\": read-write\n"
                + "        \"\": read\n"
                + "    - name: " + BOB + "\n"
                + "      access: read\n"
                + "    - name: ci\n"
                + "      token: " + CI_TOKEN + "\n"
                + "      access: read-write\n"
                + "    - name: reader\n"
                + "      token: " + READER_TOKEN + "\n"
                + "      access: read\n";
    }

    /** The parsed section. */
    public static AuthConfig config(Path dir) {
        try {
            return AuthConfig.parse(new YAMLMapper().readTree(authYaml(dir)).get("auth"), "test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bcrypt hash of cost 10 (about 100 ms to check, as in production). */
    public static String bcrypt(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 10);
    }

    /** {@code Basic base64(user:password)}. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }
}
