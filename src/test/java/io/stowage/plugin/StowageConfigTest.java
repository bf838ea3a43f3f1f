package io.stowage.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StowageConfigTest {
    @Test
    void readsAFullFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stowage.yaml");
        Files.writeString(file, """
                version: 1
                root: /srv/stowage
                listen: 0.0.0.0:5000
                requiredPlugins: [content/local]
                plugins:
                  content:
                    local:
                      path: store
                  service:
                    plugins:
                      disabled: true
                """);
        StowageConfig c = StowageConfig.load(file);
        assertThat(c.root()).contains(Path.of("/srv/stowage"));
        assertThat(c.listen()).contains("0.0.0.0:5000");
        assertThat(c.requiredPlugins()).containsExactly("content/local");
        assertThat(c.section("content", "local").get("path").asText()).isEqualTo("store");
        assertThat(c.isDisabled("service", "plugins")).isTrue();
        assertThat(c.section("service", "plugins").isEmpty()).isTrue();
        assertThat(c.isDisabled("content", "local")).isFalse();
        assertThat(c.sectionNames()).containsExactly("content/local", "service/plugins");
    }

    @Test
    void anEmptyFileIsTheEmptyConfig() {
        StowageConfig c = StowageConfig.parse("", "empty.yaml");
        assertThat(c.root()).isEmpty();
        assertThat(c.listen()).isEmpty();
        assertThat(c.section("content", "local").isEmpty()).isTrue();
    }

    @Test
    void readsTheTcpCongestionAsWritten() {
        assertThat(StowageConfig.parse("tcpCongestion: system", "t.yaml").tcpCongestion()).contains("system");
        assertThat(StowageConfig.empty().tcpCongestion()).isEmpty();
        assertThat(StowageConfig.parse("tcpCongestion: bbr", "t.yaml").withRoot(java.nio.file.Path.of("/r"))
                .tcpCongestion()).contains("bbr");
        assertThatThrownBy(() -> StowageConfig.parse("tcpCongestion: cubic;x", "t.yaml"))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith("config t.yaml: tcpCongestion: TCP congestion control 'cubic;x'");
    }

    @Test
    void readsTheTimeoutsAndRejectsBadOnes() {
        StowageConfig c = StowageConfig.parse("idleTimeout: 2m\nshutdownTimeout: 30s", "t.yaml");
        assertThat(c.idleTimeout()).contains(java.time.Duration.ofMinutes(2));
        assertThat(c.shutdownTimeout()).contains(java.time.Duration.ofSeconds(30));
        assertThat(StowageConfig.empty().shutdownTimeout()).isEmpty();
        assertThatThrownBy(() -> StowageConfig.parse("shutdownTimeout: soon", "t.yaml"))
                .isInstanceOf(PluginException.class).hasMessageStartingWith("config t.yaml: shutdownTimeout:");
    }

    @Test
    void expandsTheHomeDirectory() {
        assertThat(StowageConfig.parse("root: ~/stowage", "x").root())
                .contains(Path.of(System.getProperty("user.home"), "stowage"));
    }

    @Test
    void rejectsMistakesNamingTheKey() {
        assertThatThrownBy(() -> StowageConfig.parse("rot: /x", "a.yaml"))
                .isInstanceOf(PluginException.class).hasMessageStartingWith("config a.yaml: rot: unknown key");
        assertThatThrownBy(() -> StowageConfig.parse("version: 2", "a.yaml"))
                .hasMessageStartingWith("config a.yaml: version: unsupported version 2");
        assertThatThrownBy(() -> StowageConfig.parse("plugins: {content: {local: {disabled: maybe}}}", "a.yaml"))
                .hasMessageStartingWith("config a.yaml: plugins.content.local.disabled: expected true or false");
        assertThatThrownBy(() -> StowageConfig.parse("plugins: {content: [local]}", "a.yaml"))
                .hasMessageStartingWith("config a.yaml: plugins.content: expected a mapping");
        assertThatThrownBy(() -> StowageConfig.parse("requiredPlugins: [local]", "a.yaml"))
                .hasMessageStartingWith("config a.yaml: requiredPlugins: expected type/id");
        assertThatThrownBy(() -> StowageConfig.parse("root: [a", "a.yaml"))
                .hasMessageStartingWith("config a.yaml: not valid YAML");
        assertThatThrownBy(() -> StowageConfig.load(Path.of("/nonexistent/stowage.yaml")))
                .hasMessageStartingWith("config /nonexistent/stowage.yaml: cannot read");
    }

    @Test
    void overridesMakeCopies() {
        StowageConfig base = StowageConfig.empty();
        StowageConfig changed = base.withRoot(Path.of("/r")).withListen("h:1").withDisabled("a", "b", true);
        assertThat(base.root()).isEmpty();
        assertThat(base.isDisabled("a", "b")).isFalse();
        assertThat(changed.root()).contains(Path.of("/r"));
        assertThat(changed.listen()).contains("h:1");
        assertThat(changed.isDisabled("a", "b")).isTrue();
    }
}
