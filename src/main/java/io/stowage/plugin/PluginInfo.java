package io.stowage.plugin;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the registry knows of one plugin: its type, id, the types it requires, its {@link Status} and, unless it is
 * {@code ok}, why ({@code error}, else null). Immutable. Served as JSON by {@code GET /v1/plugins} as
 * {@code {"type","id","requires","status","error"}}.
 */
public record PluginInfo(String type, String id, List<String> requires, Status status, String error) {
    /** Where a plugin ended up after the registry's init pass. */
    public enum Status {
        /** Initialised; its instance is available to the plugins that require its type. */
        OK,
        /** Not initialised, by choice: disabled in the config, a requirement missing or failed, or it said so. */
        SKIPPED,
        /** Not initialised because of a failure: its init threw, its config is invalid, or it is in a cycle. */
        ERROR;

        /** {@code ok}, {@code skipped} or {@code error}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PluginInfo {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        requires = List.copyOf(requires);
    }

    /** {@code type/id}. */
    public String name() {
        return type + "/" + id;
    }
}
