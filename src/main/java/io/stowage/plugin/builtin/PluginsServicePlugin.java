package io.stowage.plugin.builtin;

import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginRoutes;
import io.stowage.plugin.PluginTypes;

/** {@code service/plugins}: {@code GET /v1/plugins} ({@link PluginRoutes}) over the registry's live status list. */
public final class PluginsServicePlugin implements Plugin {
    @Override
    public String type() {
        return PluginTypes.SERVICE;
    }

    @Override
    public String id() {
        return "plugins";
    }

    @Override
    public Object init(InitContext context) {
        return PluginRoutes.of(context.plugins());
    }
}
