package io.stowage.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stowage.server.ServerTls;
import io.stowage.server.TcpCongestion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stowage configuration file (YAML, see {@code docs/config.md}): the store's {@code root} directory, the
 * server's {@code listen} address, its {@code idleTimeout}, {@code shutdownTimeout} and {@code tcpCongestion}, the
 * plugins that must initialise ({@code requiredPlugins}) and one section per plugin under
 * {@code plugins.<type>.<id>}, where the reserved key {@code disabled: true} turns a plugin off; the server's TLS
 * certificate and key ({@code tls}) and its authentication ({@code auth}, see {@code docs/security.md}). Unknown
 * top-level keys are rejected so that typos do not pass silently. Immutable; sections are handed out as copies.
 */
public final class StowageConfig {
    /** The one config format version this code reads. */
    public static final int VERSION = 1;
    /** The key of a plugin section that disables the plugin; it is not passed on to the plugin. */
    public static final String DISABLED = "disabled";

    private static final Set<String> TOP_LEVEL_KEYS = Set.of("version", "root", "listen", "idleTimeout",
            "shutdownTimeout", "tcpCongestion", "requiredPlugins", "plugins", "tls", "auth");
    private static final YAMLMapper YAML = new YAMLMapper();

    private final Path root;
    private final String listen;
    private final List<String> requiredPlugins;
    private final ObjectNode plugins;
    private final ServerTls tls;
    private final ObjectNode auth;
    private final String source;
    private final Duration idleTimeout;
    private final Duration shutdownTimeout;
    private final String tcpCongestion;

    private StowageConfig(Path root, String listen, List<String> requiredPlugins, ObjectNode plugins, ServerTls tls,
                          ObjectNode auth, String source, Duration idleTimeout, Duration shutdownTimeout,
                          String tcpCongestion) {
        this.root = root;
        this.listen = listen;
        this.idleTimeout = idleTimeout;
        this.shutdownTimeout = shutdownTimeout;
        this.tcpCongestion = tcpCongestion;
        this.requiredPlugins = List.copyOf(requiredPlugins);
        this.plugins = plugins.deepCopy();
        this.tls = tls;
        this.auth = auth == null ? null : auth.deepCopy();
        this.source = source;
    }

    private StowageConfig(Path root, String listen, List<String> requiredPlugins, ObjectNode plugins,
                          StowageConfig rest) {
        this(root, listen, requiredPlugins, plugins, rest.tls, rest.auth, rest.source, rest.idleTimeout,
                rest.shutdownTimeout, rest.tcpCongestion);
    }

    /** No file: every value unset, no plugin sections. */
    public static StowageConfig empty() {
        return new StowageConfig(null, null, List.of(), JsonNodeFactory.instance.objectNode(), null, null,
                "(none)", null, null, null);
    }

    /** Reads and checks a config file; throws {@link PluginException} naming the file and the key at fault. */
    public static StowageConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new PluginException("config " + file + ": cannot read: " + e, e);
        }
        return parse(text, file.toString());
    }

    /** Parses config text; {@code source} names it in error messages. */
    public static StowageConfig parse(String yaml, String source) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new PluginException("config " + source + ": not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return empty();
        }
        if (!tree.isObject()) {
            throw bad(source, "(top level)", "expected a mapping");
        }
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_LEVEL_KEYS.contains(key)) {
                throw bad(source, key, "unknown key (known: version, root, listen, idleTimeout, shutdownTimeout,"
                        + " tcpCongestion, requiredPlugins, plugins, tls, auth)");
            }
        }
        JsonNode version = tree.path("version");
        if (!version.isMissingNode() && !(version.canConvertToInt() && version.asInt() == VERSION)) {
            throw bad(source, "version", "unsupported version " + version + " (this stowage reads " + VERSION + ")");
        }
        Path root = null;
        String rootText = text(tree, "root", source);
        if (rootText != null) {
            root = expandHome(rootText);
        }
        String listen = text(tree, "listen", source);
        List<String> required = new ArrayList<>();
        JsonNode req = tree.path("requiredPlugins");
        if (!req.isMissingNode() && !req.isNull()) {
            if (!req.isArray()) {
                throw bad(source, "requiredPlugins", "expected a list of type/id");
            }
            for (JsonNode n : req) {
                if (!n.isTextual() || n.asText().split("/", -1).length != 2) {
                    throw bad(source, "requiredPlugins", "expected type/id, got " + n);
                }
                required.add(n.asText());
            }
        }
        ObjectNode plugins = JsonNodeFactory.instance.objectNode();
        JsonNode p = tree.path("plugins");
        if (!p.isMissingNode() && !p.isNull()) {
            plugins = checkPlugins(p, source);
        }
        ServerTls tls = tls(tree.path("tls"), source);
        JsonNode auth = tree.path("auth");
        if (!auth.isMissingNode() && !auth.isNull() && !auth.isObject()) {
            throw bad(source, "auth", "expected a mapping (see docs/security.md)");
        }
        return new StowageConfig(root, listen, required, plugins, tls, auth.isObject() ? (ObjectNode) auth : null,
                source, duration(tree, "idleTimeout", source), duration(tree, "shutdownTimeout", source),
                tcpCongestion(tree, source));
    }

    private static String tcpCongestion(JsonNode tree, String source) {
        String setting = text(tree, "tcpCongestion", source);
        if (setting != null) {
            try {
                TcpCongestion.parse(setting);
            } catch (IllegalArgumentException e) {
                throw bad(source, "tcpCongestion", e.getMessage());
            }
        }
        return setting;
    }

    private static ServerTls tls(JsonNode n, String source) {
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw bad(source, "tls", "expected a mapping with certificate and key");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("certificate") && !key.equals("key")) {
                throw bad(source, "tls." + key, "unknown key (known: certificate, key)");
            }
        }
        String cert = text(n, "certificate", source);
        String key = text(n, "key", source);
        if (cert == null || key == null) {
            throw bad(source, "tls", "needs both certificate and key (PEM files)");
        }
        return new ServerTls(expandHome(cert).toAbsolutePath(), expandHome(key).toAbsolutePath());
    }

    private static Duration duration(JsonNode tree, String key, String source) {
        String t = text(tree, key, source);
        if (t == null) {
            return null;
        }
        try {
            return Durations.parsePositive(t);
        } catch (IllegalArgumentException e) {
            throw bad(source, key, e.getMessage());
        }
    }

    private static ObjectNode checkPlugins(JsonNode p, String source) {
        if (!p.isObject()) {
            throw bad(source, "plugins", "expected a mapping of type to id to section");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> type : p.properties()) {
            if (type.getValue().isNull()) {
                continue;
            }
            if (!type.getValue().isObject()) {
                throw bad(source, "plugins." + type.getKey(), "expected a mapping of plugin id to section");
            }
            ObjectNode ids = out.putObject(type.getKey());
            for (Map.Entry<String, JsonNode> id : type.getValue().properties()) {
                String key = "plugins." + type.getKey() + "." + id.getKey();
                JsonNode section = id.getValue();
                if (section.isNull()) {
                    section = JsonNodeFactory.instance.objectNode();
                }
                if (!section.isObject()) {
                    throw bad(source, key, "expected a mapping (the plugin's section)");
                }
                JsonNode disabled = section.path(DISABLED);
                if (!disabled.isMissingNode() && !disabled.isBoolean()) {
                    throw bad(source, key + "." + DISABLED, "expected true or false, got " + disabled);
                }
                ids.set(id.getKey(), section);
            }
        }
        return out;
    }

    private static String text(JsonNode tree, String key, String source) {
        JsonNode n = tree.path(key);
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (!n.isValueNode() || n.asText().isEmpty()) {
            throw bad(source, key, "expected a non-empty string");
        }
        return n.asText();
    }

    private static PluginException bad(String source, String key, String why) {
        return new PluginException("config " + source + ": " + key + ": " + why);
    }

    /** {@code ~} and {@code ~/x} expand to the user's home directory; other paths are taken as they are. */
    static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1));
        }
        return Path.of(path);
    }

    /** The {@code root} directory, when the file sets it. */
    public Optional<Path> root() {
        return Optional.ofNullable(root);
    }

    /** The {@code listen} address ({@code HOST:PORT}), when the file sets it. */
    public Optional<String> listen() {
        return Optional.ofNullable(listen);
    }

    /** The server's certificate and key ({@code tls:}), when the file sets them. */
    public Optional<ServerTls> tls() {
        return Optional.ofNullable(tls);
    }

    /** The {@code auth:} section (see {@code docs/security.md}), when the file has one; a copy. */
    public Optional<ObjectNode> auth() {
        return Optional.ofNullable(auth).map(ObjectNode::deepCopy);
    }

    /** Names the file this config came from, for error messages. */
    public String source() {
        return source;
    }

    /** Plugins ({@code type/id}) that must end up {@code ok}, or the registry fails. */
    public List<String> requiredPlugins() {
        return requiredPlugins;
    }

    /** How long the server waits on a stalled client ({@code idleTimeout}), when the file sets it. */
    public Optional<Duration> idleTimeout() {
        return Optional.ofNullable(idleTimeout);
    }

    /** How long a shutdown waits for requests in flight ({@code shutdownTimeout}), when the file sets it. */
    public Optional<Duration> shutdownTimeout() {
        return Optional.ofNullable(shutdownTimeout);
    }

    /**
     * The TCP congestion control of accepted connections ({@code tcpCongestion}: {@code auto}, {@code system} or an
     * algorithm's name, checked by {@link TcpCongestion#parse} when the file is read), when the file sets it.
     */
    public Optional<String> tcpCongestion() {
        return Optional.ofNullable(tcpCongestion);
    }

    /** A copy with {@code root} set (e.g. from the command line). */
    public StowageConfig withRoot(Path newRoot) {
        return new StowageConfig(newRoot, listen, requiredPlugins, plugins, this);
    }

    /** A copy with {@code listen} set (e.g. from the command line). */
    public StowageConfig withListen(String newListen) {
        return new StowageConfig(root, newListen, requiredPlugins, plugins, this);
    }

    /** A copy with the plugin's {@code disabled} flag set. */
    public StowageConfig withDisabled(String type, String id, boolean disabled) {
        ObjectNode copy = plugins.deepCopy();
        ObjectNode types = copy.has(type) ? (ObjectNode) copy.get(type) : copy.putObject(type);
        ObjectNode section = types.has(id) ? (ObjectNode) types.get(id) : types.putObject(id);
        section.put(DISABLED, disabled);
        return new StowageConfig(root, listen, requiredPlugins, copy, this);
    }

    /** A copy with the plugin's section replaced (its {@code disabled} flag included). */
    public StowageConfig withSection(String type, String id, ObjectNode section) {
        ObjectNode copy = plugins.deepCopy();
        ObjectNode types = copy.has(type) ? (ObjectNode) copy.get(type) : copy.putObject(type);
        types.set(id, section.deepCopy());
        return new StowageConfig(root, listen, requiredPlugins, copy, this);
    }

    /** The plugin's section without the {@code disabled} key; an empty mapping when the file has none. */
    public ObjectNode section(String type, String id) {
        JsonNode s = plugins.path(type).path(id);
        ObjectNode copy = s.isObject() ? ((ObjectNode) s).deepCopy() : JsonNodeFactory.instance.objectNode();
        copy.remove(DISABLED);
        return copy;
    }

    /** True when the plugin's section says {@code disabled: true}. */
    public boolean isDisabled(String type, String id) {
        return plugins.path(type).path(id).path(DISABLED).asBoolean(false);
    }

    /** Every {@code type/id} that has a section, to warn about sections that match no plugin. */
    public List<String> sectionNames() {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, JsonNode> t : plugins.properties()) {
            t.getValue().fieldNames().forEachRemaining(id -> names.add(t.getKey() + "/" + id));
        }
        return names;
    }
}
