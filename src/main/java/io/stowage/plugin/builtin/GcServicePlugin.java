package io.stowage.plugin.builtin;

import io.stowage.gc.GarbageCollector;
import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginTypes;
import io.stowage.server.GcRoutes;
import java.util.List;

/** {@code service/gc}: {@code POST /v1/gc} ({@link GcRoutes}) over the one {@code gc} plugin. */
public final class GcServicePlugin implements Plugin {
    @Override
    public String type() {
        return PluginTypes.SERVICE;
    }

    @Override
    public String id() {
        return "gc";
    }

    @Override
    public List<String> requires() {
        return List.of(PluginTypes.GC);
    }

    @Override
    public Object init(InitContext context) {
        return GcRoutes.of(context.instance(PluginTypes.GC, GarbageCollector.class));
    }
}
