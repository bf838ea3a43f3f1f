package io.stowage.plugin;

import java.util.List;

/**
 * The registration of one subsystem, found with {@link java.util.ServiceLoader} (list implementations in
 * {@code META-INF/services/io.stowage.plugin.Plugin}; each needs a public no-argument constructor and should do no
 * work in it). A plugin is named {@code type/id}: its type says what it provides (see {@link PluginTypes}), its id
 * tells it apart from other plugins of that type. Neither may be empty or contain {@code /}.
 *
 * <p>{@link PluginRegistry} calls {@link #init} once, after every plugin of each type in {@link #requires()} has
 * been initialised, and only when at least one of each initialised successfully. A plugin cannot require its own
 * type (that is a cycle).
 */
public interface Plugin {
    /** What the plugin provides, e.g. {@code content}. */
    String type();

    /** Tells the plugin apart from others of its type, e.g. {@code local}. */
    String id();

    /** The plugin types this one needs, in any order; none by default. */
    default List<String> requires() {
        return List.of();
    }

    /**
     * Builds the plugin's instance from its config section and its dependencies. Runs on the thread that
     * initialises the registry (never an event loop), so it may block briefly, e.g. to open files.
     *
     * @return the instance, never null; if it implements {@link AutoCloseable} the registry closes it on
     *         {@link PluginRegistry#close()}
     * @throws PluginSkippedException when the plugin decides not to run here (status {@code skipped})
     * @throws Exception on any failure (status {@code error}, with the exception's message)
     */
    Object init(InitContext context) throws Exception;
}
