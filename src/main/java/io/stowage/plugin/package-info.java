/**
 * Plugin registration, dependency graph and configuration. Subsystems register as {@link io.stowage.plugin.Plugin}s
 * found with {@link java.util.ServiceLoader} (a type, an id, the types they require and an init function), kept
 * apart from the code they register, as containerd does. {@link io.stowage.plugin.PluginRegistry} initialises them
 * in dependency order from one {@link io.stowage.plugin.StowageConfig} and records each one's status. Nothing here
 * accepts or returns null unless its javadoc says so.
 */
package io.stowage.plugin;
