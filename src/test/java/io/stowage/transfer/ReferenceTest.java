package io.stowage.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reference normalisation, platforms, challenges and docker config credentials. */
class ReferenceTest {
    static final String D = "sha256:" + "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
            "alpine, docker.io/library/alpine:latest, registry-1.docker.io",
            "alpine:3.20, docker.io/library/alpine:3.20, registry-1.docker.io",
            "user/app, docker.io/user/app:latest, registry-1.docker.io",
            "index.docker.io/library/alpine:1, docker.io/library/alpine:1, registry-1.docker.io",
            "localhost/app:v1, localhost/app:v1, localhost",
            "localhost:5000/a/b/c:v1, localhost:5000/a/b/c:v1, localhost:5000",
            "127.0.0.1:5000/app, 127.0.0.1:5000/app:latest, 127.0.0.1:5000",
            "ghcr.io/org/app:v1.2-rc_3, ghcr.io/org/app:v1.2-rc_3, ghcr.io",
            "my-registry.example/x__y.z-w:t, my-registry.example/x__y.z-w:t, my-registry.example",
    })
    void normalisesLikeDocker(String in, String normalised, String host) {
        Reference r = Reference.parse(in);
        assertThat(r.toString()).isEqualTo(normalised);
        assertThat(r.host()).isEqualTo(host);
    }

    @Test
    void aDigestIsWhatIsAskedForAndKeepsTheTag() {
        Reference r = Reference.parse("ghcr.io/org/app:v1@" + D);
        assertThat(r.tag()).isEqualTo("v1");
        assertThat(r.digest()).isEqualTo(Digest.parse(D));
        assertThat(r.object()).isEqualTo(D);
        assertThat(Reference.parse("alpine@" + D).toString()).isEqualTo("docker.io/library/alpine@" + D);
    }

    @ParameterizedTest
    @CsvSource({"''", "Upper/case", "app:bad/tag", "app:-tag", "a//b", "app@sha256:short", "-app"})
    void rejectsMalformedReferences(String in) {
        assertThatThrownBy(() -> Reference.parse(in)).isInstanceOf(ContentException.class)
                .satisfies(e -> assertThat(((ContentException) e).code().wireName()).isEqualTo("invalid_argument"));
    }

    @Test
    void platformsNormaliseAndMatch() {
        assertThat(Platform.parse("linux/x86_64").toString()).isEqualTo("linux/amd64");
        assertThat(Platform.parse("linux/aarch64/v8").matches(Platform.parse("linux/arm64"))).isTrue();
        assertThat(Platform.parse("linux/arm").matches(Platform.parse("linux/arm/v7"))).isTrue();
        assertThat(Platform.parse("linux/arm/v6").matches(Platform.parse("linux/arm/v7"))).isFalse();
        assertThat(Platform.parse("linux/amd64").matches(Platform.parse("windows/amd64"))).isFalse();
        assertThatThrownBy(() -> Platform.parse("linux")).isInstanceOf(ContentException.class);
        assertThat(Platform.current().os()).isNotEmpty();
    }

    @Test
    void challengesParseQuotedCommaSeparatedParameters() {
        Challenge c = Challenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                + "scope=\"repository:a/b:pull,push\"");
        assertThat(c.isBearer()).isTrue();
        assertThat(c.param("realm")).isEqualTo("https://auth.example/token");
        assertThat(c.param("service")).isEqualTo("registry.example");
        assertThat(c.param("scope")).isEqualTo("repository:a/b:pull,push");
        assertThat(Challenge.parse("Basic realm=registry").isBasic()).isTrue();
        assertThat(Challenge.parse(null)).isNull();
    }

    @Test
    void dockerConfigCredentialsByHostWithDockerHubAliases(@TempDir Path dir) throws Exception {
        String auth = Base64.getEncoder().encodeToString("bob:s3cret:with:colons".getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\"},"
                + "\"127.0.0.1:5000\":{\"username\":\"amy\",\"password\":\"pw\"}}}");
        Credentials c = Credentials.dockerConfig(file);
        assertThat(c.lookup("docker.io")).contains(new Credentials.Basic("bob", "s3cret:with:colons"));
        assertThat(c.lookup("127.0.0.1:5000")).contains(new Credentials.Basic("amy", "pw"));
        assertThat(c.lookup("ghcr.io")).isEmpty();
        assertThat(Credentials.dockerConfig(dir.resolve("missing.json")).lookup("docker.io")).isEmpty();
        assertThat(new Credentials.Basic("u", "p").toString()).doesNotContain("p]").contains("hidden");
    }
}
