package io.stowage.plugin;

import io.stowage.content.ContentException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initialises plugins in dependency order and holds their instances (containerd's plugin graph).
 *
 * <p>In one pass, in the order of {@link PluginGraph}, each plugin ends up:
 * <ul>
 *   <li>{@code skipped}: its config section says {@code disabled: true}; or a type it requires has no
 *       {@code ok} plugin (none registered, all disabled, skipped or failed); or its init threw
 *       {@link PluginSkippedException};</li>
 *   <li>{@code error}: its name is invalid or taken by an earlier plugin, it is on a dependency cycle (the error
 *       spells the cycle), or its init threw or returned null;</li>
 *   <li>{@code ok} otherwise, its instance then available to the plugins that require its type.</li>
 * </ul>
 * Each outcome but {@code ok} is logged in one line with the reason. Failures do not stop the pass; afterwards, a
 * plugin listed in {@link StowageConfig#requiredPlugins()} that is not {@code ok} closes what was initialised and
 * fails the registry with a {@link PluginException}.
 *
 * <p>{@link #close()} closes the {@link AutoCloseable} instances in reverse initialisation order; it is
 * idempotent. The registry is thread-safe once built.
 */
public final class PluginRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PluginRegistry.class);
    private static final String DISABLED = "disabled in config";
    private static final Pattern NAME_PART = Pattern.compile("[^/\\s]+");

    private final List<PluginEntry> order;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PluginRegistry(List<PluginEntry> order) {
        this.order = List.copyOf(order);
    }

    /** Initialises every plugin found with {@link ServiceLoader} on the class path. */
    public static PluginRegistry load(StowageConfig config) {
        return init(discover(), config);
    }

    /**
     * The plugins registered in {@code META-INF/services/io.stowage.plugin.Plugin}. A provider that cannot be
     * instantiated is returned as a plugin whose init fails with the reason, so it shows up as {@code error}.
     */
    public static List<Plugin> discover() {
        List<Plugin> found = new ArrayList<>();
        ServiceLoader.load(Plugin.class).stream().forEach(provider -> {
            try {
                found.add(provider.get());
            } catch (RuntimeException | LinkageError e) {
                found.add(new Unloadable(provider.type().getName(), e));
            }
        });
        return found;
    }

    /**
     * Initialises the given plugins with the given config, whose {@link StowageConfig#root()} must be set.
     *
     * @throws PluginException when a plugin of {@link StowageConfig#requiredPlugins()} is not {@code ok}
     */
    public static PluginRegistry init(List<? extends Plugin> plugins, StowageConfig config) {
        Path root = config.root()
                .orElseThrow(() -> new IllegalArgumentException("config has no root directory"))
                .toAbsolutePath();
        List<PluginEntry> entries = register(plugins, config);
        warnUnmatchedSections(entries, config);
        List<PluginEntry> order = PluginGraph.order(entries);
        PluginRegistry registry = new PluginRegistry(order);
        Map<String, List<PluginEntry>> byType = order.stream()
                .collect(Collectors.groupingBy(e -> e.type, HashMap::new, Collectors.toList()));
        for (PluginEntry e : order) {
            if (!e.decided()) {
                initOne(e, new EntryInitContext(e, root, config.section(e.type, e.id), byType,
                        registry::plugins), byType);
            }
            if (e.status() != PluginInfo.Status.OK) {
                logOutcome(e);
            }
        }
        registry.checkRequired(config.requiredPlugins());
        return registry;
    }

    private static List<PluginEntry> register(List<? extends Plugin> plugins, StowageConfig config) {
        List<PluginEntry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Plugin p : plugins) {
            String type;
            String id;
            List<String> requires;
            try {
                type = String.valueOf(p.type());
                id = String.valueOf(p.id());
                requires = List.copyOf(p.requires());
            } catch (RuntimeException e) {
                PluginEntry bad = new PluginEntry(p, "unknown", p.getClass().getName(), List.of());
                bad.fail(PluginInfo.Status.ERROR, "registration failed: " + describe(e));
                entries.add(bad);
                continue;
            }
            PluginEntry e = new PluginEntry(p, type, id, requires);
            if (p instanceof Unloadable u) {
                e.fail(PluginInfo.Status.ERROR, u.why);
            } else if (!NAME_PART.matcher(type).matches() || !NAME_PART.matcher(id).matches()) {
                e.fail(PluginInfo.Status.ERROR, "invalid name " + e.name()
                        + " (" + p.getClass().getName() + "): type and id must be non-empty, without / or spaces");
            } else if (!names.add(e.name())) {
                e.fail(PluginInfo.Status.ERROR, "duplicate registration of " + e.name() + " by "
                        + p.getClass().getName());
            } else if (config.isDisabled(type, id)) {
                e.fail(PluginInfo.Status.SKIPPED, DISABLED);
            }
            entries.add(e);
        }
        return entries;
    }

    private static void warnUnmatchedSections(List<PluginEntry> entries, StowageConfig config) {
        Set<String> known = entries.stream().map(PluginEntry::name).collect(Collectors.toSet());
        for (String section : config.sectionNames()) {
            if (!known.contains(section)) {
                log.warn("config section plugins.{} matches no registered plugin", section.replace('/', '.'));
            }
        }
    }

    private static void initOne(PluginEntry e, InitContext ctx, Map<String, List<PluginEntry>> byType) {
        for (String type : e.requires) {
            List<PluginEntry> providers = byType.getOrDefault(type, List.of());
            if (providers.stream().noneMatch(p -> p.status() == PluginInfo.Status.OK)) {
                e.fail(PluginInfo.Status.SKIPPED, providers.isEmpty()
                        ? "requires " + type + ", but no plugin of that type is registered"
                        : "requires " + type + ", but none of its plugins initialised ("
                        + providers.stream().map(p -> p.name() + " " + p.status().wireName())
                                .collect(Collectors.joining(", ")) + ")");
                return;
            }
        }
        try {
            Object instance = e.plugin.init(ctx);
            if (instance == null) {
                e.fail(PluginInfo.Status.ERROR, "init returned no instance");
            } else {
                e.ok(instance);
                log.info("plugin {}: ok", e.name());
            }
        } catch (PluginSkippedException skip) {
            e.fail(PluginInfo.Status.SKIPPED, skip.getMessage());
        } catch (Exception | LinkageError | AssertionError failure) {
            e.fail(PluginInfo.Status.ERROR, describe(failure));
            log.debug("plugin {}: init failed", e.name(), failure);
        }
    }

    private static void logOutcome(PluginEntry e) {
        if (e.status() == PluginInfo.Status.ERROR) {
            log.error("plugin {}: error: {}", e.name(), e.info().error());
        } else if (e.info().error().equals(DISABLED)) {
            log.info("plugin {}: skipped: {}", e.name(), DISABLED);
        } else {
            log.warn("plugin {}: skipped: {}", e.name(), e.info().error());
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof ContentException ce) {
            return ce.toString();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getName() : m;
    }

    private void checkRequired(List<String> required) {
        List<String> missing = new ArrayList<>();
        for (String name : required) {
            Optional<PluginInfo> info = plugins().stream().filter(i -> i.name().equals(name)).findFirst();
            if (info.isEmpty()) {
                missing.add(name + " (not registered)");
            } else if (info.get().status() != PluginInfo.Status.OK) {
                missing.add(name + " (" + info.get().status().wireName() + ": " + info.get().error() + ")");
            }
        }
        if (!missing.isEmpty()) {
            close();
            throw new PluginException("required plugins did not initialise: " + String.join("; ", missing));
        }
    }

    /** The status of every plugin, in initialisation order. */
    public List<PluginInfo> plugins() {
        return order.stream().filter(PluginEntry::decided).map(PluginEntry::info).toList();
    }

    /** The instances of the {@code ok} plugins of a type, in initialisation order. */
    public List<Object> instances(String type) {
        return order.stream()
                .filter(e -> e.type.equals(type) && e.status() == PluginInfo.Status.OK)
                .map(PluginEntry::instance)
                .toList();
    }

    /** The instances of the {@code ok} plugins of a type that are a {@code cls}, in initialisation order. */
    public <T> List<T> instances(String type, Class<T> cls) {
        return instances(type).stream().filter(cls::isInstance).map(cls::cast).toList();
    }

    /** The instance of plugin {@code type/id} when it is {@code ok}. */
    public Optional<Object> instance(String type, String id) {
        return order.stream()
                .filter(e -> e.type.equals(type) && e.id.equals(id) && e.status() == PluginInfo.Status.OK)
                .map(PluginEntry::instance)
                .findFirst();
    }

    /** Closes the {@link AutoCloseable} instances in reverse initialisation order, logging failures. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            PluginEntry e = order.get(i);
            if (e.status() == PluginInfo.Status.OK && e.instance() instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception | LinkageError | AssertionError failure) {
                    log.warn("plugin {}: close failed: {}", e.name(), describe(failure), failure);
                }
            }
        }
    }

    /** Stands in for a service provider that could not be instantiated, so that it is reported as an error. */
    private record Unloadable(String className, String why) implements Plugin {
        Unloadable(String className, Throwable cause) {
            this(className, "cannot load " + className + ": " + describe(cause));
        }

        @Override
        public String type() {
            return "unknown";
        }

        @Override
        public String id() {
            return className;
        }

        @Override
        public Object init(InitContext context) {
            throw new IllegalStateException(why);
        }
    }
}
