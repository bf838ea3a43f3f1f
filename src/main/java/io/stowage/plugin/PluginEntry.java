package io.stowage.plugin;

import java.util.List;

/**
 * The registry's record of one plugin: its registration, and once decided its status, error and instance. Status
 * fields are written by the initialising thread and read by any (e.g. {@code GET /v1/plugins}).
 */
final class PluginEntry {
    final Plugin plugin;
    final String type;
    final String id;
    final List<String> requires;
    private volatile PluginInfo.Status status;
    private volatile String error;
    private volatile Object instance;

    PluginEntry(Plugin plugin, String type, String id, List<String> requires) {
        this.plugin = plugin;
        this.type = type;
        this.id = id;
        this.requires = List.copyOf(requires);
    }

    String name() {
        return type + "/" + id;
    }

    boolean decided() {
        return status != null;
    }

    PluginInfo.Status status() {
        return status;
    }

    Object instance() {
        return instance;
    }

    void ok(Object newInstance) {
        instance = newInstance;
        status = PluginInfo.Status.OK;
    }

    void fail(PluginInfo.Status newStatus, String why) {
        error = why;
        status = newStatus;
    }

    PluginInfo info() {
        return new PluginInfo(type, id, requires, status, error);
    }
}
