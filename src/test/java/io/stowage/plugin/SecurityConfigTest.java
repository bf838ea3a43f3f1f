package io.stowage.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code tls:} and {@code auth:} keys of the config file: read, checked, and named in errors. */
class SecurityConfigTest {
    @Test
    void tlsNeedsACertificateAndAKeyAndNothingElse() {
        StowageConfig c = StowageConfig.parse("tls:\n  certificate: /etc/s/cert.pem\n  key: key.pem\n", "f.yaml");
        assertThat(c.tls()).isPresent();
        assertThat(c.tls().get().certificate()).isEqualTo(Path.of("/etc/s/cert.pem"));
        assertThat(c.tls().get().key()).isEqualTo(Path.of("key.pem").toAbsolutePath());
        assertThat(c.withRoot(Path.of("/r")).tls()).as("kept by the copies").isEqualTo(c.tls());

        assertThat(catchThrowable(() -> StowageConfig.parse("tls:\n  certificate: c.pem\n", "f.yaml")))
                .isInstanceOf(PluginException.class).hasMessage("config f.yaml: tls: needs both certificate and key"
                        + " (PEM files)");
        assertThat(catchThrowable(() -> StowageConfig.parse("tls:\n  cert: c.pem\n  key: k\n", "f.yaml")))
                .hasMessageContaining("tls.cert: unknown key");
        assertThat(catchThrowable(() -> StowageConfig.parse("tls: yes\n", "f.yaml")))
                .hasMessageContaining("tls: expected a mapping");
        assertThat(StowageConfig.parse("root: /r\n", "f.yaml").tls()).isEmpty();
    }

    @Test
    void authIsHandedOnAsAMappingAndKeptByCopies() {
        StowageConfig c = StowageConfig.parse("auth:\n  principals: []\n", "f.yaml");
        assertThat(c.auth()).isPresent();
        assertThat(c.withListen("0.0.0.0:1").auth().get().has("principals")).isTrue();
        assertThat(c.source()).isEqualTo("f.yaml");
        assertThat(catchThrowable(() -> StowageConfig.parse("auth: [1]\n", "f.yaml")))
                .hasMessageContaining("auth: expected a mapping");
        assertThat(StowageConfig.empty().auth()).isEmpty();
    }
}
