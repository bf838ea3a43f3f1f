package io.stowage.plugin.builtin;

import io.stowage.gc.Leases;
import io.stowage.metadata.MetadataDb;
import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginTypes;
import io.stowage.server.LeaseRoutes;
import java.util.List;

/** {@code service/leases}: the lease API {@code /v1/leases} ({@link LeaseRoutes}) over the metadata database. */
public final class LeasesServicePlugin implements Plugin {
    @Override
    public String type() {
        return PluginTypes.SERVICE;
    }

    @Override
    public String id() {
        return "leases";
    }

    @Override
    public List<String> requires() {
        return List.of(PluginTypes.METADATA);
    }

    @Override
    public Object init(InitContext context) {
        return LeaseRoutes.of(Leases.open(context.instance(PluginTypes.METADATA, MetadataDb.class)));
    }
}
