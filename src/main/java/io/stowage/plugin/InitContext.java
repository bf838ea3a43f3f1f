package io.stowage.plugin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * What {@link Plugin#init} receives: the plugin's name, the root directory, its config section and the initialised
 * instances of the types it requires. Meant to be used during {@code init}; the supplier of {@link #plugins()} may
 * be kept and called at any time, from any thread.
 */
public interface InitContext {
    /** The plugin's type. */
    String type();

    /** The plugin's id. */
    String id();

    /** The stowage root directory (absolute); plugins keep their data at or under it. */
    Path root();

    /** The plugin's config section ({@code plugins.<type>.<id>} without {@code disabled}); empty when absent. */
    ObjectNode config();

    /**
     * The config section bound to a type by Jackson (records and beans; unknown keys are rejected; an absent
     * section binds an empty mapping, so absent keys are null or their defaults).
     *
     * @throws PluginException naming the section and the key when the section does not fit the type
     */
    <T> T config(Class<T> type);

    /**
     * Every initialised instance of a required plugin type, in initialisation order (at least one, as a plugin
     * is only initialised when each of its requirements has an {@code ok} plugin).
     *
     * @throws IllegalStateException when {@code type} is not in the plugin's {@link Plugin#requires()}
     */
    List<Object> instances(String type);

    /**
     * The one initialised instance of a required plugin type, as {@code cls}.
     *
     * @throws PluginException when several plugins of that type initialised (naming them), or the instance is not
     *         a {@code cls}
     * @throws IllegalStateException when {@code type} is not in the plugin's {@link Plugin#requires()}
     */
    <T> T instance(String type, Class<T> cls);

    /** The current status of every plugin the registry knows of, in initialisation order, at each call. */
    Supplier<List<PluginInfo>> plugins();
}
