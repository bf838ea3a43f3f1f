package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** bcrypt runs on its own bounded scheduler and successes are cached; registry tokens are signed and expire. */
class AuthenticatorTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Scheduler bcrypt;
    private AuthConfig config;

    @BeforeEach
    void setUp() {
        bcrypt = Schedulers.newBoundedElastic(1, 16, "test-bcrypt");
        config = AuthFixture.config(dir);
    }

    @AfterEach
    void tearDown() {
        bcrypt.dispose();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bcryptIsCheckedOnTheBoundedSchedulerOnceThenCached() {
        Authenticator a = new Authenticator(config, new RegistryTokens(new byte[32], Duration.ofMinutes(5),
                Clock.systemUTC()), bcrypt, Duration.ofMinutes(1));
        String first = a.basic(b64(AuthFixture.ALICE + ":" + AuthFixture.ALICE_PASSWORD))
                .map(p -> p.name() + "@" + Thread.currentThread().getName()).block(T);
        assertThat(first).startsWith("alice@test-bcrypt");
        String second = a.basic(b64(AuthFixture.ALICE + ":" + AuthFixture.ALICE_PASSWORD))
                .map(p -> p.name() + "@" + Thread.currentThread().getName()).block(T);
        assertThat(second).as("a cached success is answered on the caller's thread, with no bcrypt")
                .isEqualTo("alice@" + Thread.currentThread().getName());

        for (int i = 0; i < 2; i++) {
            String thread = a.basic(b64(AuthFixture.ALICE + ":wrong"))
                    .map(p -> "accepted").onErrorResume(e -> reactor.core.publisher.Mono.just(
                            e.getMessage() + "@" + Thread.currentThread().getName())).block(T);
            assertThat(thread).as("failures are not cached").startsWith("wrong user name or password@test-bcrypt");
        }
        Throwable unknown = catchThrowable(() -> a.basic(b64("mallory:x")).block(T));
        assertThat(unknown).isInstanceOf(Authenticator.Refused.class).hasMessage("wrong user name or password");
    }

    @Test
    void registryTokensAreSignedAndExpire() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        RegistryTokens tokens = new RegistryTokens("k".repeat(32).getBytes(StandardCharsets.UTF_8),
                Duration.ofMinutes(5), Clock.fixed(now, ZoneOffset.UTC));
        String t = tokens.issue("alice", List.of("repository:team/app:pull,push"));
        RegistryTokens.Claims c = tokens.verify(t).orElseThrow();
        assertThat(c.subject()).isEqualTo("alice");
        assertThat(c.grants("team/app", "push")).isTrue();
        assertThat(c.grants("team/app2", "pull")).isFalse();

        RegistryTokens later = new RegistryTokens("k".repeat(32).getBytes(StandardCharsets.UTF_8),
                Duration.ofMinutes(5), Clock.fixed(now.plusSeconds(301), ZoneOffset.UTC));
        assertThat(later.verify(t)).as("expired").isEmpty();
        RegistryTokens otherKey = new RegistryTokens("j".repeat(32).getBytes(StandardCharsets.UTF_8),
                Duration.ofMinutes(5), Clock.fixed(now, ZoneOffset.UTC));
        assertThat(otherKey.verify(t)).as("signed with another key").isEmpty();
        String forged = b64url("{\"sub\":\"alice\",\"exp\":9999999999,\"access\":[\"repository:x:push\"]}")
                + t.substring(t.indexOf('.'));
        assertThat(tokens.verify(forged)).as("payload changed").isEmpty();
        assertThat(tokens.verify("garbage")).isEmpty();
    }

    private static String b64url(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void configErrorsNameTheKeyAndNeverTheSecret() throws Exception {
        var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
        Throwable noWay = catchThrowable(() -> AuthConfig.parse(yaml.readTree(
                "principals: [{name: ghost, access: read}]"), "f.yaml"));
        assertThat(noWay).hasMessageContaining("principals[0]").hasMessageContaining("could never log in");
        Throwable badAccess = catchThrowable(() -> AuthConfig.parse(yaml.readTree(
                "principals: [{name: x, token: sekrit-value, access: admin}]"), "f.yaml"));
        assertThat(badAccess).hasMessageContaining("principals[0].access").hasMessageNotContaining("sekrit-value");
        Throwable md5 = catchThrowable(() -> AuthConfig.parse(yaml.readTree(
                "principals: [{name: x, passwordHash: '$apr1$abc$def', access: read}]"), "f.yaml"));
        assertThat(md5).hasMessageContaining("not a bcrypt hash").hasMessageNotContaining("$apr1$abc$def");
        Throwable dup = catchThrowable(() -> AuthConfig.parse(yaml.readTree(
                "principals: [{name: a, token: t1, access: read}, {name: b, token: t1, access: read}]"), "f.yaml"));
        assertThat(dup).hasMessageContaining("same token");
        assertThat(AuthConfig.parse(yaml.readTree("principals: [{name: a, token: t1, access: read}]"), "f")
                .toString()).doesNotContain("t1");
    }
}
